package main

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestNotesAndCounter(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(requestCounter())
	registerRoutes(r)
	before := requests.Load()
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/notes", nil))
	if w.Code != 200 || requests.Load() != before+1 {
		t.Fatalf("notes: %d, counter %d -> %d", w.Code, before, requests.Load())
	}
}
