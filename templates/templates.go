// Package templates holds the text/template files for everything authgen
// generates that is not Go code: documentation, configuration, environment
// examples and SQL migrations. Go code is never templated; it is built with
// jennifer in package generator.
package templates

import (
	"bytes"
	"embed"
	"strings"
	"text/template"
)

//go:embed *.tmpl migrations
var files embed.FS

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"join":  strings.Join,
	"upper": strings.ToUpper,
}).ParseFS(files, "*.tmpl", "migrations/*/*.tmpl"))

// Render executes the template name with data.
func Render(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
