// Command inventory serves a small item catalogue.
package main

import (
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	mux := newMux(newCatalogue())

	srv := &http.Server{
		Addr:              "127.0.0.1:" + envOr("PORT", "8080"),
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
	}
	log.Printf("inventory listening on %s", srv.Addr)
	log.Fatal(srv.ListenAndServe())
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
