module example.com/echo-v4-memory

go 1.26

require github.com/labstack/echo/v4 v4.15.0
