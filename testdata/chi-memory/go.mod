module example.com/chi-memory

go 1.26
