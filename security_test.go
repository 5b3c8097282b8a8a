package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSecurityTraceability keeps docs/SECURITY.md honest: every item of the
// security checklist in ../shared/DESIGN.md has a section there that names at
// least one test, and every test it names exists, in the package it says or,
// for "generated", in the tests authgen writes (golden/*.txtar).
// DESIGN.md is outside this repository, so -short checks only the names.
func TestSecurityTraceability(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.Join("docs", "SECURITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, part := range regexp.MustCompile(`(?m)^## `).Split(string(doc), -1)[1:] {
		if n, _, ok := strings.Cut(part, ". "); ok {
			sections[n] = part
		}
	}
	ref := regexp.MustCompile("(?m)^\\s*- (?:`([^`]+)`|(generated)): (.*)$")
	name := regexp.MustCompile("`((?:Test|Fuzz|Benchmark)\\w+)`")
	// namedTests checks that every test a section names exists, and returns
	// how many it names.
	namedTests := func(t *testing.T, n, section string) int {
		tests := 0
		for _, m := range ref.FindAllStringSubmatch(section, -1) {
			pkg := m[1] + m[2]
			for _, tn := range name.FindAllStringSubmatch(m[3], -1) {
				tests++
				if !testExists(t, pkg, tn[1]) {
					t.Errorf("item %s names %s in %s, which does not exist", n, tn[1], pkg)
				}
			}
		}
		return tests
	}

	t.Run("named tests exist", func(t *testing.T) {
		for n, section := range sections {
			namedTests(t, n, section)
		}
		// The hygiene section's references must hold too.
		if _, hygiene, ok := strings.Cut(string(doc), "## Hygiene"); ok {
			for _, m := range regexp.MustCompile("`([^`]+)`: ((?:`\\w+`(?:, )?)+)").FindAllStringSubmatch(hygiene, -1) {
				for _, tn := range name.FindAllStringSubmatch(m[2], -1) {
					if !testExists(t, m[1], tn[1]) {
						t.Errorf("hygiene names %s in %s, which does not exist", tn[1], m[1])
					}
				}
			}
		}
	})

	t.Run("every checklist item has tests", func(t *testing.T) {
		if testing.Short() {
			t.Skip("reads the checklist from ../shared/DESIGN.md, outside this repository; skipped with -short")
		}
		design, err := os.ReadFile(filepath.Join("..", "shared", "DESIGN.md"))
		if err != nil {
			t.Fatalf("%v: the checklist lives in ../shared/DESIGN.md", err)
		}
		_, checklist, ok := strings.Cut(string(design), "## Security checklist")
		if !ok {
			t.Fatal("DESIGN.md has no security checklist")
		}
		items := regexp.MustCompile(`(?m)^(\d+)\. `).FindAllStringSubmatch(checklist, -1)
		if len(items) < 10 {
			t.Fatalf("found %d checklist items in DESIGN.md", len(items))
		}
		for _, item := range items {
			n := item[1]
			section, ok := sections[n]
			if !ok {
				t.Errorf("checklist item %s has no section in docs/SECURITY.md", n)
				continue
			}
			if namedTests(t, n, section) == 0 {
				t.Errorf("checklist item %s lists no test in docs/SECURITY.md", n)
			}
		}
	})
}

// testExists reports whether func name is declared in a test file of pkg
// (a directory of this repository, "." for the root) or, for "generated",
// in the generated tests of the golden files.
func testExists(t *testing.T, pkg, name string) bool {
	t.Helper()
	decl := "func " + name + "("
	pattern := filepath.Join(pkg, "*_test.go")
	if pkg == "generated" {
		pattern = filepath.Join("golden", "*.txtar")
	}
	files, _ := filepath.Glob(pattern)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), decl) {
			return true
		}
	}
	return false
}
