package main

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

func TestProjects(t *testing.T) {
	r := chi.NewRouter()
	routes(r)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/api/projects/1", nil))
	if got := strings.TrimSpace(w.Body.String()); w.Code != 200 || got != `"authgen"` {
		t.Fatalf("project 1: %d %s", w.Code, got)
	}
	w = httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/api/projects/9", nil))
	if w.Code != 404 {
		t.Fatalf("project 9: %d", w.Code)
	}
}
