module example.com/nethttp-postgres

go 1.26
