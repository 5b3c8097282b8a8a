module example.com/gin-sqlite

go 1.26
