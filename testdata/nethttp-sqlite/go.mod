module example.com/nethttp-sqlite

go 1.26
