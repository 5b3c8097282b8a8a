package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Request is the input of Generate.
type Request struct {
	Options Options
	Target  Target
	// Version is authgen's version; "(devel)" when built from a checkout.
	Version string
	// Source is the checkout directory that replace directives point at
	// when Version is "(devel)".
	Source string
	// NewModule also scaffolds main.go and .gitignore for `authgen new`.
	NewModule bool
	// Config also renders authgen.yaml from Options, for new and init: it is
	// written with the rest or not at all.
	Config bool
	// History is the schema history that the module's authgen.sum records
	// for the store, with its files' bytes (see ReadHistory); empty for a
	// new service.
	History []Migration
	// AllowDrop lets an option change drop tables or columns: it adds the
	// migration that drops them instead of failing with a *DropError.
	AllowDrop bool
}

// DevelVersion is the version Go reports for a binary built from a checkout.
const DevelVersion = "(devel)"

// ManifestFile lists the generated files and their SHA-256 digests, so that
// a later run can tell hand edits and files it no longer produces.
const ManifestFile = "authgen.sum"

// Generate renders every file for req. It is pure: it reads nothing but req
// and writes nothing. The result is sorted by path and deterministic.
func Generate(req Request) ([]File, error) {
	if err := req.Options.Validate(); err != nil {
		return nil, err
	}
	if req.Version == DevelVersion && req.Source == "" {
		return nil, fmt.Errorf("authgen runs from a checkout but cannot find it: set AUTHGEN_SOURCE to the checkout directory")
	}
	m := newModel(req.Options, req.Target)
	if err := m.planSchema(req.History, req.AllowDrop); err != nil {
		return nil, err
	}
	var files []File
	for _, s := range plan(m, req) {
		if s.ofFiles != nil {
			files = append(files, File{Path: s.path, Owner: s.owner, Data: s.ofFiles(m, files)})
			continue
		}
		data, err := s.render(m)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", s.path, err)
		}
		if data != nil {
			files = append(files, File{Path: s.path, Owner: s.owner, Data: data})
		}
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// manifest records the digest of every generated file, then the store's
// schema history.
func manifest(m *Model, files []File) []byte {
	var b strings.Builder
	b.WriteString("# Generated files and their SHA-256, kept by authgen. DO NOT EDIT.\n")
	var lines []string
	for _, f := range files {
		if f.Owner == Generated {
			lines = append(lines, digest(f.Data)+"  "+f.Path+"\n")
		}
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	b.WriteString(strings.Join(lines, ""))
	b.WriteString(historyLines(m))
	return []byte(b.String())
}

// parseManifest reads a manifest into path -> digest.
func parseManifest(data []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if sum, p, ok := strings.Cut(line, "  "); ok && len(sum) == 64 && !strings.HasPrefix(line, "#") {
			out[p] = sum
		}
	}
	return out
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
