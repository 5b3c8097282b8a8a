package generator

import "github.com/dave/jennifer/jen"

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
	// Dialect names the store's SQL dialect and its folder of migrations
	// (see schema.go), or is empty for a store without a schema.
	Dialect() string
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
