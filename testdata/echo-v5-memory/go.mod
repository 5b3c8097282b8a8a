module example.com/echo-v5-memory

go 1.26
