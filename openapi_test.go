package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/tools/txtar"
)

// TestOpenAPIValidates loads the openapi.yaml of every golden scenario with
// kin-openapi and validates it.
func TestOpenAPIValidates(t *testing.T) {
	t.Parallel()
	archives, _ := filepath.Glob("golden/*.txtar")
	if len(archives) == 0 {
		t.Fatal("no golden scenarios")
	}
	for _, path := range archives {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range ar.Files {
			if !strings.HasSuffix(f.Name, "/openapi.yaml") {
				continue
			}
			found = true
			if _, err := loadOpenAPI(f.Data); err != nil {
				t.Errorf("%s: %s: %v", filepath.Base(path), f.Name, err)
			}
		}
		if !found {
			t.Errorf("%s has no openapi.yaml", path)
		}
	}
}

func loadOpenAPI(data []byte) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
}

// declaredResponses lists "METHOD path status" for every response the
// document declares.
func declaredResponses(doc *openapi3.T) map[string]bool {
	out := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status := range op.Responses.Map() {
				out[method+" "+path+" "+status] = true
			}
		}
	}
	return out
}
