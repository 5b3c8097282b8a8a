module example.com/notes

go 1.26

require github.com/gin-gonic/gin v1.12.0
