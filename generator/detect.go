package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// Target is what authgen knows of the module it writes into.
type Target struct {
	// Root is the module's directory (absolute in the CLI; tests may use any).
	Root string
	// GoMod is the current go.mod; nil for a module that does not exist yet.
	GoMod []byte
	// Module is the module path and GoVersion its go directive.
	Module    string
	GoVersion string
	// Requires maps each required module path to its version.
	Requires map[string]string
	// Existing lists the paths, relative to Root and slash-separated, of the
	// files already in the package directory, so that a plan can tell a new
	// package from its own earlier output.
	Existing []string
}

// ErrNoModule means the directory is not inside a Go module.
var ErrNoModule = errors.New("no go.mod found: run authgen in a Go module (go mod init example.com/svc) or use `authgen new DIR`")

// Detect reads the module rooted at or above dir.
func Detect(dir string, pkgDir string) (Target, error) {
	root, err := findModuleRoot(dir)
	if err != nil {
		return Target{}, err
	}
	tr, err := openTree(root)
	if err != nil {
		return Target{}, err
	}
	defer tr.Close()
	data, err := tr.read("go.mod")
	if err != nil {
		return Target{}, err
	}
	t, err := ParseTarget(root, data)
	if err != nil {
		return Target{}, err
	}
	if err := tr.checkDir(pkgDir); err != nil {
		return Target{}, err
	}
	entries, err := fs.ReadDir(tr.FS(), pkgDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Target{}, err
	}
	for _, e := range entries {
		if !e.IsDir() {
			t.Existing = append(t.Existing, pkgDir+"/"+e.Name())
		}
	}
	return t, nil
}

// ParseTarget describes the module whose go.mod is data.
func ParseTarget(root string, data []byte) (Target, error) {
	f, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		return Target{}, fmt.Errorf("go.mod: %w", err)
	}
	if f.Module == nil {
		return Target{}, errors.New("go.mod has no module line: fix it with `go mod edit -module example.com/svc`")
	}
	if err := CheckModulePath(f.Module.Mod.Path); err != nil {
		return Target{}, fmt.Errorf("go.mod: %w", err)
	}
	t := Target{Root: root, GoMod: data, Module: f.Module.Mod.Path, Requires: map[string]string{}}
	if f.Go != nil {
		t.GoVersion = f.Go.Version
	}
	for _, r := range f.Require {
		t.Requires[r.Mod.Path] = r.Mod.Version
	}
	return t, nil
}

// CheckModulePath refuses a module path that the go command would refuse
// (module.CheckImportPath, what go mod init enforces): it also reaches
// comments, YAML and Markdown, so quotes, spaces, $ and newlines must never
// be in it. It is CheckImportPath rather than the stricter module.CheckPath,
// which wants a dot in the first element: `go mod init svc` makes a module
// authgen serves.
func CheckModulePath(p string) error {
	if err := module.CheckImportPath(p); err != nil {
		return fmt.Errorf("module path %q is not valid (%v): fix it with `go mod edit -module example.com/svc`", p, err)
	}
	return nil
}

// NewTarget describes a module that `authgen new` is about to create.
func NewTarget(root, module, goVersion string) Target {
	return Target{Root: root, Module: module, GoVersion: goVersion, Requires: map[string]string{}}
}

func findModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoModule
		}
		dir = parent
	}
}

// DetectFramework names the framework whose module the target already
// requires, or "" when it requires none.
func (t Target) DetectFramework() string {
	for _, name := range FrameworkNames() {
		for _, m := range frameworks[name].Requires(t) {
			if _, ok := t.Requires[m.Path]; ok && m.Path != "" {
				return name
			}
		}
	}
	return ""
}

// moduleBase is the last element of a module path, for names and issuers.
func moduleBase(module string) string {
	return module[strings.LastIndex(module, "/")+1:]
}

// DetectStorage names the store whose driver the target already requires,
// or "" when it requires none, or the drivers of more than one.
func (t Target) DetectStorage() string {
	found := ""
	for _, s := range Storages() {
		for _, m := range s.Requires() {
			if _, ok := t.Requires[m.Path]; ok {
				if found != "" && found != s.Name() {
					return ""
				}
				found = s.Name()
			}
		}
	}
	return found
}
