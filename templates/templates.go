// Package templates holds the text/template files for everything authgen
// generates that is not Go code: documentation, configuration, environment
// examples, SQL migrations, and the generated tests (*_test.go.tmpl): their
// helpers and every test, which read the same on every router and store. Go
// that the router or the store shapes (the service itself, and the tests'
// store and routers) is built with jennifer in package generator, which runs
// every Go template through gofmt and writes its imports as goimports would.
//
// The shared files open seams ({{seam "auth.env" .}}) where each option
// feature adds its own part: features/<feature>.tmpl defines the fragment
// "<feature>:<seam>" for every seam it fills (its words in the documents, its
// tests and their imports in options_test.go), so that a feature's parts live
// beside each other and not inside the shared files.
package templates

import (
	"bytes"
	"embed"
	"io/fs"
	"maps"
	"net/url"
	pathpkg "path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

//go:embed *.tmpl migrations features mail
var files embed.FS

// funcs escape every value for the format it lands in: options are
// validated, but the file formats must hold whatever gets through.
var funcs = template.FuncMap{
	"join":        strings.Join,
	"yaml":        yamlValue,
	"yamlQuoted":  yamlQuoted,
	"mdCode":      mdCode,
	"env":         envValue,
	"lit":         goString,
	"capitalize":  capitalize,
	"upper":       strings.ToUpper,
	"lower":       strings.ToLower,
	"trimPrefix":  strings.TrimPrefix,
	"repeat":      strings.Repeat,
	"queryEscape": url.QueryEscape,
}

// goString renders s as a Go string literal: raw when it holds quotes or
// backslashes (JSON bodies read best that way) and a raw literal can hold
// it, interpreted otherwise.
func goString(s string) string {
	if strings.ContainsAny(s, `"\`) && strconv.CanBackquote(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// yamlValue renders v as one line of YAML that reads back as v: a string
// plain when YAML takes it as that string (not null, true or 12), quoted
// otherwise; a list in flow style.
func yamlValue(v any) (string, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return "", err
	}
	oneLine(&n)
	return marshalNode(&n)
}

// yamlQuoted renders a string as a double-quoted YAML scalar.
func yamlQuoted(s string) (string, error) {
	return marshalNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle})
}

func oneLine(n *yaml.Node) {
	switch n.Kind {
	case yaml.SequenceNode, yaml.MappingNode:
		n.Style = yaml.FlowStyle
		for _, c := range n.Content {
			oneLine(c)
		}
	case yaml.ScalarNode:
		if strings.IndexFunc(n.Value, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
			n.Style = yaml.DoubleQuotedStyle // escapes, rather than a block over lines
		}
	}
}

func marshalNode(n *yaml.Node) (string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), enc.Close()
}

// mdCode renders s as a Markdown code span that stays one table cell: its
// fence is longer than any run of backticks in s, and pipes are escaped,
// which GitHub's tables require even inside code.
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + strings.ReplaceAll(s, "|", `\|`) + pad + fence
}

// plainEnv is what a dotenv value may hold unquoted in every reader of the
// format (shells, docker --env-file, godotenv).
var plainEnv = regexp.MustCompile(`^[A-Za-z0-9._:/@+,=%-]*$`)

// envValue renders s as a dotenv value: bare when it can be, else in single
// quotes, which no reader expands; a value with a quote of its own is
// double-quoted with the characters that shells and godotenv expand
// escaped.
func envValue(s string) string {
	switch {
	case plainEnv.MatchString(s):
		return s
	case !strings.ContainsAny(s, "'\n\r"):
		return "'" + s + "'"
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`", "\n", `\n`, "\r", `\r`)
	return `"` + r.Replace(s) + `"`
}

// featureDir holds the option features' fragments of the shared documents:
// features/<feature>.tmpl defines "<feature>:<seam>" for each seam it fills.
const featureDir = "features"

// Features are the data of a document with seams: the option features, in
// the order their fragments follow each other at every seam.
type Features interface{ FeatureNames() []string }

// seamCall is how the shared templates open a seam: {{seam "name" .}}.
var seamCall = regexp.MustCompile(`\{\{-? ?seam "([^"]+)"`)

// byPath holds each template under its path in this directory, so that
// files of the same name in different folders (each store's migrations)
// stay apart. Each holds every feature's fragments, for its seams.
var byPath = func() map[string]*template.Template {
	fragments, err := fs.Glob(files, featureDir+"/*.tmpl")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	err = fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tmpl") || strings.HasPrefix(path, featureDir+"/") {
			return err
		}
		t := template.New(path)
		t.Funcs(funcs).Funcs(template.FuncMap{"seam": seam(t)})
		shared := fragments
		if defs := pathpkg.Join(pathpkg.Dir(path), DefsFile); defs != path && exists(defs) {
			shared = append([]string{defs}, fragments...)
		}
		for _, name := range append([]string{path}, shared...) {
			src, err := files.ReadFile(name)
			if err != nil {
				return err
			}
			into := t
			if name != path {
				into = t.New(name)
			}
			template.Must(into.Parse(string(src)))
		}
		out[path] = t
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}()

// seam renders, for the template set t, every feature's fragment for the
// named seam, in feature order; a feature without one adds nothing.
func seam(t *template.Template) func(string, Features) (string, error) {
	return func(name string, data Features) (string, error) {
		var buf bytes.Buffer
		for _, feature := range data.FeatureNames() {
			if fragment := t.Lookup(feature + ":" + name); fragment != nil {
				if err := fragment.Execute(&buf, data); err != nil {
					return "", err
				}
			}
		}
		return buf.String(), nil
	}
}

// Fragments lists the "<feature>:<seam>" fragments that the feature
// templates define, and Seams the seams that the templates open (the
// shared ones, or one feature's fragment that holds another's words);
// a test checks that every fragment has its seam.
func Fragments() []string {
	var out []string
	for _, t := range byPath["AUTH.md.tmpl"].Templates() {
		if strings.Contains(t.Name(), ":") {
			out = append(out, t.Name())
		}
	}
	return out
}

func Seams() []string {
	seen := map[string]bool{}
	fragments, _ := fs.Glob(files, featureDir+"/*.tmpl")
	for _, path := range append(slices.Collect(maps.Keys(byPath)), fragments...) {
		src, _ := files.ReadFile(path)
		for _, m := range seamCall.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

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

// DefsFile, in a folder, holds named templates that every other template
// of the folder may call, and that RenderDefine renders one by one: each
// store's schema changes, in migrations/<dialect>/.
const DefsFile = "defs.tmpl"

func exists(path string) bool {
	_, err := fs.Stat(files, path)
	return err == nil
}

// RenderDefine executes the template named name that the template at path
// defines (or holds from its folder's DefsFile). ok is false when there is
// no such template.
func RenderDefine(path, name string, data any) (out []byte, ok bool, err error) {
	t := byPath[path]
	if t == nil || t.Lookup(name) == nil {
		return nil, false, nil
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, true, err
	}
	return buf.Bytes(), true, nil
}

// Glob lists the template paths matching pattern, sorted.
func Glob(pattern string) []string {
	matches, _ := fs.Glob(files, pattern)
	return matches
}

// Raw returns the file at path as it is, for files that authgen copies
// without rendering: the mail templates it scaffolds, which are templates of
// the generated service.
func Raw(path string) ([]byte, error) { return fs.ReadFile(files, path) }
