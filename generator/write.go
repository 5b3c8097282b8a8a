package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/aymanbagabas/go-udiff"
)

// Action is what Write did, or would do, to one file.
type Action string

const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
	Kept      Action = "kept" // a scaffold file that already exists: the user's
	Removed   Action = "removed"
)

// Change is one line of Write's report.
type Change struct {
	Path   string
	Action Action
	// Diff is the unified diff of the change, for --diff.
	Diff string
}

// WriteOptions tunes Write.
type WriteOptions struct {
	// DryRun computes the changes without touching the disk.
	DryRun bool
	// Force overwrites generated files that were edited by hand.
	Force bool
}

// EditedError lists generated files that were changed by hand since authgen
// wrote them; Write refuses to overwrite them without Force.
type EditedError struct{ Changes []Change }

func (e *EditedError) Error() string {
	var b strings.Builder
	for _, c := range e.Changes {
		fmt.Fprintf(&b, "%s was edited by hand since authgen generated it:\n%s", c.Path, c.Diff)
	}
	b.WriteString("move the change into a file you own (generated files are rewritten on every run), or pass --force to discard it")
	return b.String()
}

// Write brings root in line with files: generated files are rewritten when
// their bytes differ, scaffold files are created only when missing, files the
// previous manifest listed but files no longer contain are removed. Every
// write is atomic (temp file and rename) and stays inside root. Nothing is
// written when a generated file was edited by hand, unless opts.Force.
func Write(root string, files []File, opts WriteOptions) ([]Change, error) {
	old, err := readManifest(root)
	if err != nil {
		return nil, err
	}
	var changes, edited []Change
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		c, err := planWrite(root, f, old)
		if err != nil {
			return nil, err
		}
		if c.edited {
			edited = append(edited, c.Change)
		}
		changes = append(changes, c.Change)
	}
	for _, p := range sortedKeys(old) {
		if want[p] {
			continue
		}
		cur, err := readRel(root, p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return nil, err
		case digest(cur) != old[p]:
			edited = append(edited, Change{Path: p, Action: Removed, Diff: unified(p, cur, nil)})
		}
		changes = append(changes, Change{Path: p, Action: Removed, Diff: unified(p, cur, nil)})
	}
	if len(edited) > 0 && !opts.Force {
		return nil, &EditedError{Changes: edited}
	}
	if opts.DryRun {
		return changes, nil
	}
	return changes, apply(root, files, changes)
}

type plannedChange struct {
	Change
	edited bool
}

func planWrite(root string, f File, old map[string]string) (plannedChange, error) {
	cur, err := readRel(root, f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return plannedChange{Change: Change{Path: f.Path, Action: Created, Diff: unified(f.Path, nil, f.Data)}}, nil
	}
	if err != nil {
		return plannedChange{}, err
	}
	switch {
	case bytes.Equal(cur, f.Data):
		return plannedChange{Change: Change{Path: f.Path, Action: Unchanged}}, nil
	case f.Owner == Scaffold:
		return plannedChange{Change: Change{Path: f.Path, Action: Kept}}, nil
	}
	c := Change{Path: f.Path, Action: Updated, Diff: unified(f.Path, cur, f.Data)}
	// A generated file is "edited" when it differs from what the last run
	// wrote. A file the manifest does not know was not written by authgen.
	sum, known := old[f.Path]
	edited := f.Owner == Generated && f.Path != ManifestFile && (!known || sum != digest(cur))
	return plannedChange{Change: c, edited: edited}, nil
}

func apply(root string, files []File, changes []Change) error {
	byPath := map[string]File{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	var manifest *File
	for _, c := range changes {
		switch c.Action {
		case Created, Updated:
			f := byPath[c.Path]
			if f.Path == ManifestFile {
				manifest = &f // last, so an interrupted run is repaired by the next
				continue
			}
			if err := writeAtomic(root, f.Path, f.Data); err != nil {
				return err
			}
		case Removed:
			p, err := safeJoin(root, c.Path)
			if err != nil {
				return err
			}
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if manifest != nil {
		return writeAtomic(root, manifest.Path, manifest.Data)
	}
	return nil
}

// Drift is a difference that `check` reports.
type Drift struct {
	Path string
	Kind string // stale, edited, missing, extra
	Diff string
}

// Check compares root with files without writing anything: every generated
// file must be on disk with exactly the expected bytes, and no file of the
// previous manifest may be left behind.
func Check(root string, files []File) ([]Drift, error) {
	old, err := readManifest(root)
	if err != nil {
		return nil, err
	}
	var drift []Drift
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		if f.Owner != Generated {
			continue
		}
		cur, err := readRel(root, f.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			drift = append(drift, Drift{f.Path, "missing", unified(f.Path, nil, f.Data)})
		case err != nil:
			return nil, err
		case !bytes.Equal(cur, f.Data):
			kind := "stale"
			if sum, ok := old[f.Path]; f.Path != ManifestFile && (!ok || sum != digest(cur)) {
				kind = "edited"
			}
			drift = append(drift, Drift{f.Path, kind, unified(f.Path, cur, f.Data)})
		}
	}
	for _, p := range sortedKeys(old) {
		if cur, err := readRel(root, p); err == nil && !want[p] {
			drift = append(drift, Drift{p, "extra", unified(p, cur, nil)})
		}
	}
	return drift, nil
}

func readManifest(root string) (map[string]string, error) {
	data, err := readRel(root, ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	return parseManifest(data), nil
}

func readRel(root, rel string) ([]byte, error) {
	p, err := safeJoin(root, rel)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// safeJoin resolves rel under root and refuses anything that would land
// outside it: absolute paths, "..", and directories that are symlinks.
func safeJoin(root, rel string) (string, error) {
	if rel == "" || path.IsAbs(rel) || path.Clean(rel) != rel || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("refusing to write %q: not a path inside the module", rel)
	}
	dir := root
	parts := strings.Split(rel, "/")
	for _, part := range parts[:len(parts)-1] {
		dir = filepath.Join(dir, part)
		if fi, err := os.Lstat(dir); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("refusing to write %q: %s is a symlink", rel, dir)
		}
	}
	return filepath.Join(root, filepath.FromSlash(rel)), nil
}

// writeAtomic writes data to rel through a temp file in the same directory
// and a rename, so a reader or a crash sees the old or the new file, never
// half of one.
func writeAtomic(root, rel string, data []byte) error {
	p, err := safeJoin(root, rel)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".authgen-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

// unified is a unified diff with a/ and b/ paths, as git prints it.
func unified(p string, before, after []byte) string {
	return udiff.Unified("a/"+p, "b/"+p, string(before), string(after))
}

// WriteFile writes data to rel under root atomically, for files authgen
// edits rather than generates (a main.go it wires).
func WriteFile(root, rel string, data []byte) error { return writeAtomic(root, rel, data) }
