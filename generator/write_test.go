package generator

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func files(pairs ...string) []File {
	var out []File
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, File{Path: pairs[i], Owner: Generated, Data: []byte(pairs[i+1])})
	}
	out = append(out, manifest(out))
	return out
}

func read(t *testing.T, root, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func actions(changes []Change) map[string]Action {
	out := map[string]Action{}
	for _, c := range changes {
		out[c.Path] = c.Action
	}
	return out
}

func TestWriteOnlyWhatChanged(t *testing.T) {
	root := t.TempDir()
	v1 := files("pkg/a.go", "a1", "pkg/b.go", "b1")
	if _, err := Write(root, v1, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(root, "pkg/a.go"), old, old)

	changes, err := Write(root, files("pkg/a.go", "a1", "pkg/b.go", "b2"), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := actions(changes)
	if got["pkg/a.go"] != Unchanged || got["pkg/b.go"] != Updated {
		t.Errorf("actions = %v", got)
	}
	if fi, _ := os.Stat(filepath.Join(root, "pkg/a.go")); !fi.ModTime().Equal(old) {
		t.Error("an unchanged file was rewritten (mtime moved)")
	}
	if read(t, root, "pkg/b.go") != "b2" {
		t.Error("b.go not updated")
	}
}

func TestWriteRefusesHandEdits(t *testing.T) {
	root := t.TempDir()
	Write(root, files("pkg/a.go", "a1"), WriteOptions{})
	os.WriteFile(filepath.Join(root, "pkg/a.go"), []byte("a1 // my fix"), 0o644)

	_, err := Write(root, files("pkg/a.go", "a2"), WriteOptions{})
	var edited *EditedError
	if !errors.As(err, &edited) || !strings.Contains(err.Error(), "pkg/a.go was edited by hand") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("err = %v, want an EditedError naming pkg/a.go", err)
	}
	if read(t, root, "pkg/a.go") != "a1 // my fix" {
		t.Fatal("the hand edit was overwritten")
	}
	if _, err := Write(root, files("pkg/a.go", "a2"), WriteOptions{Force: true}); err != nil || read(t, root, "pkg/a.go") != "a2" {
		t.Fatalf("--force: %v", err)
	}
}

func TestWriteRemovesFilesNoLongerProduced(t *testing.T) {
	root := t.TempDir()
	Write(root, files("pkg/store_sqlite.go", "s", "pkg/x.go", "x"), WriteOptions{})
	os.WriteFile(filepath.Join(root, "pkg/mine.go"), []byte("user code"), 0o644)

	changes, err := Write(root, files("pkg/store_memory.go", "m", "pkg/x.go", "x"), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if actions(changes)["pkg/store_sqlite.go"] != Removed {
		t.Errorf("actions = %v", actions(changes))
	}
	if _, err := os.Stat(filepath.Join(root, "pkg/store_sqlite.go")); !os.IsNotExist(err) {
		t.Error("stale generated file left behind")
	}
	if read(t, root, "pkg/mine.go") != "user code" {
		t.Error("a user file was touched")
	}
}

func TestWriteKeepsScaffoldFiles(t *testing.T) {
	root := t.TempDir()
	main := []File{{Path: "main.go", Owner: Scaffold, Data: []byte("v1")}}
	Write(root, main, WriteOptions{})
	os.WriteFile(filepath.Join(root, "main.go"), []byte("mine now"), 0o644)
	changes, err := Write(root, []File{{Path: "main.go", Owner: Scaffold, Data: []byte("v2")}}, WriteOptions{})
	if err != nil || actions(changes)["main.go"] != Kept || read(t, root, "main.go") != "mine now" {
		t.Fatalf("scaffold file: %v %v %q", err, changes, read(t, root, "main.go"))
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	root := t.TempDir()
	changes, err := Write(root, files("pkg/a.go", "a"), WriteOptions{DryRun: true})
	if err != nil || actions(changes)["pkg/a.go"] != Created {
		t.Fatalf("dry run: %v %v", err, changes)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("dry run wrote %v", entries)
	}
}

func TestWriteStaysInsideRoot(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	os.Symlink(outside, filepath.Join(root, "link"))
	for _, p := range []string{"../escape.go", "/etc/passwd", "a/../../escape.go", "link/escape.go"} {
		if _, err := Write(root, []File{{Path: p, Owner: Generated, Data: []byte("x")}}, WriteOptions{}); err == nil {
			t.Errorf("wrote %q", p)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("wrote outside the root: %v", entries)
	}
}

func TestCheck(t *testing.T) {
	root := t.TempDir()
	v1 := files("pkg/a.go", "a\n", "pkg/b.go", "b\n", "pkg/gone.go", "g\n")
	Write(root, v1, WriteOptions{})
	if drift, err := Check(root, v1); err != nil || len(drift) != 0 {
		t.Fatalf("fresh tree: %v %v", drift, err)
	}
	os.WriteFile(filepath.Join(root, "pkg/a.go"), []byte("a edited\n"), 0o644)
	os.Remove(filepath.Join(root, "pkg/b.go"))
	drift, err := Check(root, files("pkg/a.go", "a\n", "pkg/b.go", "b\n", "pkg/c.go", "c\n"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, d := range drift {
		kinds[d.Path] = d.Kind
	}
	want := map[string]string{"pkg/a.go": "edited", "pkg/b.go": "missing", "pkg/c.go": "missing", "pkg/gone.go": "extra", ManifestFile: "stale"}
	for p, k := range want {
		if kinds[p] != k {
			t.Errorf("%s: kind %q, want %q (all: %v)", p, kinds[p], k, kinds)
		}
	}
	for _, d := range drift {
		if d.Path == "pkg/a.go" && (!strings.Contains(d.Diff, "--- a/pkg/a.go") || !strings.Contains(d.Diff, "+++ b/pkg/a.go") || !strings.Contains(d.Diff, "-a edited")) {
			t.Errorf("diff of a.go:\n%s", d.Diff)
		}
	}
}

// TestInterruptedRunIsRepaired leaves the tree as a run killed between two
// files leaves it (each file whole, some new, the rest and the manifest old:
// writes are renames and the manifest goes last) and checks that the next
// run finishes the job without mistaking that half-done work for hand edits.
func TestInterruptedRunIsRepaired(t *testing.T) {
	root := t.TempDir()
	v1 := files("pkg/a.go", "a1", "pkg/b.go", "b1", "pkg/c.go", "c1")
	if _, err := Write(root, v1, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	v2 := files("pkg/a.go", "a2", "pkg/b.go", "b2", "pkg/c.go", "c2")
	if err := writeAtomic(root, "pkg/a.go", []byte("a2")); err != nil { // the killed run got this far
		t.Fatal(err)
	}
	changes, err := Write(root, v2, WriteOptions{})
	if err != nil {
		t.Fatalf("the next run did not repair: %v", err)
	}
	if got := actions(changes); got["pkg/a.go"] != Unchanged || got["pkg/b.go"] != Updated || got["pkg/c.go"] != Updated {
		t.Errorf("actions = %v", got)
	}
	for p, want := range map[string]string{"pkg/a.go": "a2", "pkg/b.go": "b2", "pkg/c.go": "c2"} {
		if got := read(t, root, p); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	if drift, _ := Check(root, v2); len(drift) != 0 {
		t.Errorf("drift after repair: %+v", drift)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(root, "pkg", ".authgen-*")); len(leftovers) > 0 {
		t.Errorf("temp files left behind: %v", leftovers)
	}
}
