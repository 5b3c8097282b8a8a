module example.com/nethttp-memory

go 1.26
