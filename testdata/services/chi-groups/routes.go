package main

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"
)

var projects = map[string]string{"1": "authgen", "2": "website"}

// routes mounts the API as route groups.
func routes(r chi.Router) {
	r.Get("/health", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	r.Route("/api", func(r chi.Router) {
		r.Get("/projects", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(projects)
		})
		r.Get("/projects/{id}", func(w http.ResponseWriter, r *http.Request) {
			name, ok := projects[chi.URLParam(r, "id")]
			if !ok {
				http.NotFound(w, r)
				return
			}
			json.NewEncoder(w).Encode(name)
		})
	})
}
