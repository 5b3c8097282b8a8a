package main

import (
	"encoding/json"
	"net/http"
	"sync"
)

// catalogue is the service's in-memory item list.
type catalogue struct {
	mu    sync.Mutex
	items []string
}

func newCatalogue() *catalogue { return &catalogue{items: []string{"hammer", "saw"}} }

// newMux routes the service's own endpoints.
func newMux(c *catalogue) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	})
	mux.HandleFunc("GET /items", c.list)
	mux.HandleFunc("POST /items", c.add)
	return mux
}

func (c *catalogue) list(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	json.NewEncoder(w).Encode(c.items)
}

func (c *catalogue) add(w http.ResponseWriter, r *http.Request) {
	var item string
	if err := json.NewDecoder(r.Body).Decode(&item); err != nil || item == "" {
		http.Error(w, "send a JSON string", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	c.items = append(c.items, item)
	c.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}
