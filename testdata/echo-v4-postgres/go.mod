module example.com/echo-v4-postgres

go 1.26

require github.com/labstack/echo/v4 v4.16.0
