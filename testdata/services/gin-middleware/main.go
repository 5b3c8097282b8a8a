// Command notes serves short notes.
package main

import (
	"log"
	"os"

	"github.com/gin-gonic/gin"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), requestCounter())
	registerRoutes(r)

	if err := r.Run("127.0.0.1:" + os.Getenv("PORT")); err != nil {
		log.Fatal(err)
	}
}
