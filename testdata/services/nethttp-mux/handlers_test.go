package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestItems(t *testing.T) {
	mux := newMux(newCatalogue())
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("POST", "/items", strings.NewReader(`"drill"`)))
	if w.Code != http.StatusCreated {
		t.Fatalf("add: %d", w.Code)
	}
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/items", nil))
	if got := strings.TrimSpace(w.Body.String()); got != `["hammer","saw","drill"]` {
		t.Errorf("items = %s", got)
	}
}
