module example.com/chi-postgres

go 1.26
