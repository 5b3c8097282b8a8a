package main

import (
	"net/http"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

var requests atomic.Int64

// requestCounter is the service's own middleware: it counts requests.
func requestCounter() gin.HandlerFunc {
	return func(c *gin.Context) {
		requests.Add(1)
		c.Next()
	}
}

func registerRoutes(r gin.IRouter) {
	r.GET("/health", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	r.GET("/notes", func(c *gin.Context) {
		c.JSON(http.StatusOK, []string{"buy milk", "ship authgen"})
	})
	r.GET("/stats", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"requests": requests.Load()}) })
}
