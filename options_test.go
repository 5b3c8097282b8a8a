package main

import (
	"os"
	"strings"
	"testing"

	"github.com/authgen/authgen/generator"
)

// TestReadmeOptionsTable keeps README.md's options table what the option
// table declares: one row per option, in its order (-update rewrites it).
func TestReadmeOptionsTable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	const head = "| flag | `authgen.yaml` | values | default |\n|---|---|---|---|\n"
	before, rest, ok := strings.Cut(string(readme), head)
	if !ok {
		t.Fatal("README.md has no options table")
	}
	table, after, _ := strings.Cut(rest, "\n\n")
	want := strings.Join(readmeRows(), "\n")
	if table == want {
		return
	}
	if *update {
		if err := os.WriteFile("README.md", []byte(before+head+want+"\n\n"+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's options table is not the option table's (go test -run TestReadmeOptionsTable -update . rewrites it):\n got:\n%s\nwant:\n%s", table, want)
}

func readmeRows() []string {
	defaults := generator.Defaults()
	var rows []string
	for _, opt := range generator.OptionTable() {
		flag := "`--" + opt.Flag + "`"
		if opt.Kind == generator.List {
			flag += " (repeatable)"
		}
		values, def := opt.Values, opt.Default
		if values == "" {
			values = "`" + strings.Join(opt.Choices(), "`, `") + "`"
		}
		if def == "" {
			def = "`" + strings.Join(opt.Get(defaults), ", ") + "`"
		}
		rows = append(rows, "| "+flag+" | `"+opt.Key+"` | "+values+" | "+def+" |")
	}
	return rows
}
