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
	// Store renders store_<name>.go, the implementation of Store.
	Store(f *jen.File, m *Model)
	// Assets returns the store's non-Go files (migrations), if any.
	Assets(m *Model) ([]File, error)
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

var storages = map[string]Storage{}

func registerStorage(s Storage) { storages[s.Name()] = s }

// StorageNames lists the storages in a stable order.
func StorageNames() []string { return sortedKeys(storages) }

// Storages lists the storages in a stable order.
func Storages() []Storage {
	var out []Storage
	for _, n := range StorageNames() {
		out = append(out, storages[n])
	}
	return out
}
