module example.com/echo-v5-postgres

go 1.26
