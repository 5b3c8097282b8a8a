module example.com/gin-postgres

go 1.26
