package generator

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/authgen/authgen/templates"
)

// Storage is one database. A new store is one new file that calls
// registerStorage.
type Storage interface {
	// Name is the option value, e.g. "sqlite".
	Name() string
	// Describe is one line for prompts and help.
	Describe() string
	// Requires lists the modules the store's code needs.
	Requires() []Module
	// ImportNames maps the driver's import paths to their package names
	// where the two differ.
	ImportNames() map[string]string
	// Store renders store_<name>.go, the implementation of Store.
	Store(f *jen.File, m *Model)
	// Migrations are the steps of the store's SQL migration files, if any.
	Migrations(m *Model) []step
	// Open returns the statements of FromEnv that open the store from the
	// environment into the variable store, returning nil and the error on
	// failure, given ctx; and the expression of a func() error that closes
	// it, or nil when there is nothing to close.
	Open(m *Model) (stmts []jen.Code, closer jen.Code)
	// TestStore renders, into the generated tests,
	//	func newTestStore(t *testing.T) Store
	// returning a fresh, empty, real store that the test cleans up.
	TestStore(f *jen.File, m *Model)
	// Env lists the environment variables the store reads.
	Env() []EnvVar
}

// EnvVar documents one environment variable of the generated service.
type EnvVar struct {
	Name, Default, Doc string
}

var storages = registry[Storage]{}

func registerStorage(s Storage) { storages.add(s) }

// StorageNames lists the storages in a stable order.
func StorageNames() []string { return storages.names() }

// Storages lists the storages in a stable order.
func Storages() []Storage { return storages.all() }

// migrationFiles renders templates/migrations/<dialect>/*.tmpl into the
// package's migrations/<dialect>/ folder, in the up/down file pairs that
// golang-migrate reads and goose can adopt.
func migrationSteps(m *Model, dialect string) []step {
	var steps []step
	for _, path := range templates.Glob("migrations/" + dialect + "/*.tmpl") {
		steps = append(steps, step{path: m.Package + "/" + strings.TrimSuffix(path, ".tmpl"), owner: Generated, render: migration(path)})
	}
	return steps
}

// migration renders a migration template; one that the options do not need
// renders empty, and the file is not written.
func migration(path string) func(*Model) ([]byte, error) {
	return func(m *Model) ([]byte, error) {
		data, err := templates.Render(path, m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, nil
		}
		return data, nil
	}
}
