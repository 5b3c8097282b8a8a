package generator

import (
	"fmt"
	"path/filepath"

	"golang.org/x/mod/modfile"
)

// authgenModule is authgen's own module path.
const authgenModule = "github.com/authgen/authgen"

// develPseudoVersion is what Go itself writes for a replaced module that has
// no version of its own.
const develPseudoVersion = "v0.0.0-00010101000000-000000000000"

// editGoMod adds to the target's go.mod what the generated code imports, and
// the authgen tool for go:generate. It only adds: a router or driver the
// target already requires keeps the version the target chose.
func editGoMod(m *Model, req Request) ([]byte, error) {
	f, err := loadGoMod(req.Target)
	if err != nil {
		return nil, err
	}
	version := req.Version
	if version == DevelVersion {
		version = develPseudoVersion
	}
	for _, n := range []Module{{RuntimeModule, version}, {authgenModule, version}} {
		if err := f.AddRequire(n.Path, n.Version); err != nil {
			return nil, err
		}
	}
	needs := append(m.Framework.Requires(req.Target), m.Storage.Requires()...)
	for _, n := range append(needs, collect(m, feature.requires)...) {
		if _, ok := req.Target.Requires[n.Path]; ok {
			continue
		}
		if err := f.AddRequire(n.Path, n.Version); err != nil {
			return nil, err
		}
	}
	if err := f.AddTool(authgenModule); err != nil {
		return nil, err
	}
	if req.Version == DevelVersion {
		for _, r := range []struct{ mod, dir string }{
			{authgenModule, req.Source},
			{RuntimeModule, filepath.Join(req.Source, "runtime")},
		} {
			if err := f.AddReplace(r.mod, "", filepath.ToSlash(r.dir), ""); err != nil {
				return nil, err
			}
		}
	}
	f.Cleanup()
	return modfile.Format(f.Syntax), nil
}

func loadGoMod(t Target) (*modfile.File, error) {
	if t.GoMod != nil {
		f, err := modfile.Parse("go.mod", t.GoMod, nil)
		if err != nil {
			return nil, fmt.Errorf("go.mod: %w", err)
		}
		return f, nil
	}
	f := new(modfile.File)
	if err := f.AddModuleStmt(t.Module); err != nil {
		return nil, err
	}
	if err := f.AddGoStmt(t.GoVersion); err != nil {
		return nil, err
	}
	return f, nil
}
