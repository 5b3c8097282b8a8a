module example.com/gin-memory

go 1.26
