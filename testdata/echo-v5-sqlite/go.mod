module example.com/echo-v5-sqlite

go 1.26
