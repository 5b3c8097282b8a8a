package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	// Owned reports whether authgen generates path under some options (see
	// OwnedPaths). Only such paths of the previous manifest are removed: the
	// manifest is a record to compare against, and a line added to it never
	// makes authgen touch a file of its own choosing. Nil removes nothing.
	Owned func(path string) bool
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
// previous manifest listed but files no longer contain are removed. Nothing
// is written when a generated file was edited by hand, unless opts.Force, or
// when any path is unsafe (see tree); every file is staged before the first
// one is renamed into place.
func Write(root string, files []File, opts WriteOptions) ([]Change, error) {
	if !opts.DryRun {
		if err := os.MkdirAll(root, 0o755); err != nil { // authgen new's directory
			return nil, err
		}
	}
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	states, err := compare(t, files, opts.Owned)
	if err != nil {
		return nil, err
	}
	var changes, edited []Change
	for _, st := range states {
		if st.edited {
			edited = append(edited, st.Change)
		}
		changes = append(changes, st.Change)
	}
	if len(edited) > 0 && !opts.Force {
		return nil, &EditedError{Changes: edited}
	}
	if opts.DryRun {
		return changes, nil
	}
	return changes, apply(t, files, changes)
}

// leftBehind lists, sorted, the paths of the old manifest that the new files
// do not contain and that authgen owns.
func leftBehind(old map[string]string, want map[string]bool, owned func(string) bool) []string {
	var out []string
	for _, p := range sortedKeys(old) {
		if !want[p] && owned != nil && owned(p) {
			out = append(out, p)
		}
	}
	return out
}

// isGenerated reports whether data carries authgen's generated header in its
// first line, as every file it may remove does: a file of the owner's at a
// path authgen once used is left alone, whatever the manifest says of it.
func isGenerated(data []byte) bool {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	return bytes.Contains(first, []byte(generatedHeader))
}

// state is one path against the last run: the change that writing files
// makes to it, and whether it holds a hand edit that the change would lose.
type state struct {
	Change
	owner  Owner
	edited bool
}

// compare is the one comparison of the tree with files and the previous
// manifest that Write and Check both act on: every file of the plan, then
// every file the previous run wrote, authgen owns, and the plan no longer
// holds (a left-behind file without the generated header is the owner's and
// left out).
func compare(t *tree, files []File, owned func(string) bool) ([]state, error) {
	old, err := t.readManifest()
	if err != nil {
		return nil, err
	}
	var states []state
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		st, err := compareFile(t, f, old)
		if err != nil {
			return nil, err
		}
		states = append(states, st)
	}
	for _, p := range leftBehind(old, want, owned) {
		cur, err := t.read(p)
		switch {
		case errors.Is(err, fs.ErrNotExist) || err == nil && !isGenerated(cur):
			continue
		case err != nil:
			return nil, err
		}
		states = append(states, state{Change: Change{Path: p, Action: Removed, Diff: unified(p, cur, nil)}, owner: Generated, edited: digest(cur) != old[p]})
	}
	return states, nil
}

func compareFile(t *tree, f File, old map[string]string) (state, error) {
	cur, err := t.read(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return state{Change: Change{Path: f.Path, Action: Created, Diff: unified(f.Path, nil, f.Data)}, owner: f.Owner}, nil
	}
	if err != nil {
		return state{}, err
	}
	switch {
	case bytes.Equal(cur, f.Data):
		return state{Change: Change{Path: f.Path, Action: Unchanged}, owner: f.Owner}, nil
	case f.Owner == Scaffold:
		return state{Change: Change{Path: f.Path, Action: Kept}, owner: f.Owner}, nil
	}
	c := Change{Path: f.Path, Action: Updated, Diff: unified(f.Path, cur, f.Data)}
	return state{Change: c, owner: f.Owner, edited: editedByHand(f, cur, old)}, nil
}

// editedByHand reports whether cur, the bytes on disk at f.Path, are not
// what the last run wrote there. A file the manifest does not know was not
// written by authgen. Only generated files can be edited: go.mod and
// authgen.yaml are the user's to change.
func editedByHand(f File, cur []byte, old map[string]string) bool {
	if f.Owner != Generated || f.Path == ManifestFile {
		return false
	}
	sum, known := old[f.Path]
	return !known || sum != digest(cur)
}

// apply stages every new file next to its destination, then renames them
// into place and removes what is gone. An error while staging (a full disk,
// a read-only directory) leaves the tree as it was; the manifest goes last,
// so that a run killed among the renames is repaired by the next.
func apply(t *tree, files []File, changes []Change) error {
	byPath := map[string]File{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	var staged []stagedFile
	defer func() {
		for _, s := range staged {
			t.Remove(s.tmp) // fails harmlessly for those already renamed
		}
	}()
	var manifest *stagedFile
	for _, c := range changes {
		if c.Action != Created && c.Action != Updated {
			continue
		}
		s, err := t.stage(c.Path, byPath[c.Path].Data)
		if err != nil {
			return err
		}
		staged = append(staged, s)
		if c.Path == ManifestFile {
			manifest = &staged[len(staged)-1]
		}
	}
	for _, s := range staged {
		if s.rel == ManifestFile {
			continue
		}
		if err := t.commit(s); err != nil {
			return err
		}
	}
	for _, c := range changes {
		if c.Action == Removed {
			if err := t.remove(c.Path); err != nil {
				return err
			}
		}
	}
	if manifest != nil {
		return t.commit(*manifest)
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
// previous manifest that authgen owns (see WriteOptions.Owned) may be left
// behind.
func Check(root string, files []File, owned func(string) bool) ([]Drift, error) {
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	states, err := compare(t, files, owned)
	if err != nil {
		return nil, err
	}
	var drift []Drift
	for _, st := range states {
		if st.owner != Generated {
			continue
		}
		switch {
		case st.Action == Created:
			drift = append(drift, Drift{st.Path, "missing", st.Diff})
		case st.Action == Updated && st.edited:
			drift = append(drift, Drift{st.Path, "edited", st.Diff})
		case st.Action == Updated:
			drift = append(drift, Drift{st.Path, "stale", st.Diff})
		case st.Action == Removed:
			drift = append(drift, Drift{st.Path, "extra", st.Diff})
		}
	}
	return drift, nil
}

// unified is a unified diff with a/ and b/ paths, as git prints it.
func unified(p string, before, after []byte) string {
	return udiff.Unified("a/"+p, "b/"+p, string(before), string(after))
}
