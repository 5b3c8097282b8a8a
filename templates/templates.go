// Package templates holds the text/template files for everything authgen
// generates that is not Go code: documentation, configuration, environment
// examples and SQL migrations. Go code is never templated; it is built with
// jennifer in package generator.
package templates

import (
	"bytes"
	"embed"
	"io/fs"
	"strings"
	"text/template"
)

//go:embed *.tmpl migrations
var files embed.FS

var funcs = template.FuncMap{"join": strings.Join}

// byPath holds each template under its path in this directory, so that
// files of the same name in different folders (each store's migrations)
// stay apart.
var byPath = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tmpl") {
			return err
		}
		src, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		out[path] = template.Must(template.New(path).Funcs(funcs).Parse(string(src)))
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}()

// Render executes the template at path (e.g. "AUTH.md.tmpl") with data.
func Render(path string, data any) ([]byte, error) {
	t, ok := byPath[path]
	if !ok {
		return nil, fs.ErrNotExist
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Glob lists the template paths matching pattern, sorted.
func Glob(pattern string) []string {
	matches, _ := fs.Glob(files, pattern)
	return matches
}
