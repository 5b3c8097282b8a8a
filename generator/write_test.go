package generator

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// gen is the first line of a generated file.
const gen = "// " + generatedHeader + "\n"

func files(pairs ...string) []File {
	var out []File
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, File{Path: pairs[i], Owner: Generated, Data: []byte(pairs[i+1])})
	}
	out = append(out, File{Path: ManifestFile, Owner: Generated, Data: manifest(&Model{}, out)})
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
	Write(root, files("pkg/store_sqlite.go", gen+"s", "pkg/x.go", "x"), WriteOptions{})
	os.WriteFile(filepath.Join(root, "pkg/mine.go"), []byte("user code"), 0o644)

	changes, err := Write(root, files("pkg/store_memory.go", "m", "pkg/x.go", "x"), WriteOptions{Owned: OwnedPaths("pkg")})
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
	v1 := files("pkg/a.go", "a\n", "pkg/b.go", "b\n", "pkg/throttle.go", gen+"g\n")
	Write(root, v1, WriteOptions{})
	if drift, err := Check(root, v1, OwnedPaths("pkg")); err != nil || len(drift) != 0 {
		t.Fatalf("fresh tree: %v %v", drift, err)
	}
	os.WriteFile(filepath.Join(root, "pkg/a.go"), []byte("a edited\n"), 0o644)
	os.Remove(filepath.Join(root, "pkg/b.go"))
	drift, err := Check(root, files("pkg/a.go", "a\n", "pkg/b.go", "b\n", "pkg/c.go", "c\n"), OwnedPaths("pkg"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, d := range drift {
		kinds[d.Path] = d.Kind
	}
	want := map[string]string{"pkg/a.go": "edited", "pkg/b.go": "missing", "pkg/c.go": "missing", "pkg/throttle.go": "extra", ManifestFile: "stale"}
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
	if err := WriteFile(root, "pkg/a.go", []byte("a2")); err != nil { // the killed run got this far
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
	if drift, _ := Check(root, v2, OwnedPaths("pkg")); len(drift) != 0 {
		t.Errorf("drift after repair: %+v", drift)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(root, "pkg", ".authgen-*")); len(leftovers) > 0 {
		t.Errorf("temp files left behind: %v", leftovers)
	}
}

// secret is what the hostile-tree tests put in files authgen must neither
// print nor touch.
const secret = "AWS_SECRET=never-print-me"

// TestManifestIsARecordNotAList tampers with authgen.sum as a malicious
// repository would, listing files authgen never writes: check must not print
// them, and generate --force must not remove them.
func TestManifestIsARecordNotAList(t *testing.T) {
	root := t.TempDir()
	v1 := files("pkg/doc.go", "d\n", "pkg/store_sqlite.go", gen+"s\n")
	if _, err := Write(root, v1, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{".env", ".git/config", "pkg/mine.go", "../outside"} {
		os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755)
		os.WriteFile(filepath.Join(root, p), []byte(secret), 0o644)
	}
	f, _ := os.OpenFile(filepath.Join(root, ManifestFile), os.O_APPEND|os.O_WRONLY, 0)
	for _, p := range []string{".env", ".git/config", "pkg/mine.go", "../outside", "/etc/passwd"} {
		f.WriteString(strings.Repeat("0", 64) + "  " + p + "\n")
	}
	// A file of the owner's at a path authgen generates under other
	// options, listed with its true digest: still not authgen's to remove.
	os.WriteFile(filepath.Join(root, "pkg/throttle.go"), []byte(secret), 0o644)
	f.WriteString(digest([]byte(secret)) + "  pkg/throttle.go\n")
	f.Close()

	v2 := files("pkg/doc.go", "d\n", "pkg/store_memory.go", "m\n")
	drift, err := Check(root, v2, OwnedPaths("pkg"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, d := range drift {
		kinds[d.Path] = d.Kind
		if strings.Contains(d.Diff, secret) {
			t.Errorf("check printed a file authgen never wrote, in the diff of %s:\n%s", d.Path, d.Diff)
		}
	}
	want := map[string]string{"pkg/store_sqlite.go": "extra", "pkg/store_memory.go": "missing", ManifestFile: "stale"}
	if len(kinds) != len(want) {
		t.Errorf("drift = %v, want %v", kinds, want)
	}
	for p, k := range want {
		if kinds[p] != k {
			t.Errorf("%s: %q, want %q", p, kinds[p], k)
		}
	}
	changes, err := Write(root, v2, WriteOptions{Force: true, Owned: OwnedPaths("pkg")})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(changes); got["pkg/store_sqlite.go"] != Removed || len(got) != 4 {
		t.Errorf("actions = %v: only the generated store may be removed", got)
	}
	for _, p := range []string{".env", ".git/config", "pkg/mine.go", "../outside", "pkg/throttle.go"} {
		if b, err := os.ReadFile(filepath.Join(root, p)); err != nil || string(b) != secret {
			t.Errorf("%s was touched: %q %v", p, b, err)
		}
	}
}

// TestLinksAreNeverFollowed replaces what authgen owns with symbolic links
// (to a file outside the module, dangling ones, a linked directory) and a
// FIFO: every read, write and removal must refuse, print nothing of the
// target, and leave it as it was.
func TestLinksAreNeverFollowed(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "bashrc")
	cases := map[string]func(root string){
		"generated file to outside": func(root string) {
			os.Remove(filepath.Join(root, "pkg/doc.go"))
			os.Symlink(outside, filepath.Join(root, "pkg/doc.go"))
		},
		"dangling generated file": func(root string) {
			os.Remove(filepath.Join(root, "pkg/doc.go"))
			os.Symlink(filepath.Join(filepath.Dir(outside), "new"), filepath.Join(root, "pkg/doc.go"))
		},
		"manifest to outside": func(root string) {
			os.Remove(filepath.Join(root, ManifestFile))
			os.Symlink(outside, filepath.Join(root, ManifestFile))
		},
		"linked package directory": func(root string) {
			dir := filepath.Join(filepath.Dir(outside), "pkg")
			os.Rename(filepath.Join(root, "pkg"), dir)
			os.Symlink(dir, filepath.Join(root, "pkg"))
		},
		"link inside the module": func(root string) {
			os.Rename(filepath.Join(root, "pkg/doc.go"), filepath.Join(root, "doc.go"))
			os.Symlink("../doc.go", filepath.Join(root, "pkg/doc.go"))
		},
		"fifo": func(root string) {
			os.Remove(filepath.Join(root, "pkg/doc.go"))
			mkfifo(t, filepath.Join(root, "pkg/doc.go"))
		},
		"hard link to outside": func(root string) {
			os.Remove(filepath.Join(root, "pkg/doc.go"))
			os.Link(outside, filepath.Join(root, "pkg/doc.go"))
		},
	}
	for name, plant := range cases {
		t.Run(name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "mod")
			os.RemoveAll(filepath.Join(filepath.Dir(outside), "pkg"))
			os.WriteFile(outside, []byte(secret), 0o644)
			v1 := files("pkg/doc.go", "d\n", "pkg/throttle.go", "t\n")
			if _, err := Write(root, v1, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			plant(root)
			v2 := files("pkg/doc.go", "d2\n")
			var unsafe *UnsafePathError
			if _, err := Check(root, v2, OwnedPaths("pkg")); !errors.As(err, &unsafe) || strings.Contains(err.Error(), secret) {
				t.Errorf("check: %v, want an UnsafePathError", err)
			}
			for _, force := range []bool{false, true} {
				if _, err := Write(root, v2, WriteOptions{Force: force, Owned: OwnedPaths("pkg")}); !errors.As(err, &unsafe) {
					t.Errorf("write (force %t): %v, want an UnsafePathError", force, err)
				}
			}
			if b, err := os.ReadFile(outside); err != nil || string(b) != secret {
				t.Errorf("the link's target was touched: %q %v", b, err)
			}
			if _, err := os.Lstat(filepath.Join(filepath.Dir(outside), "new")); err == nil {
				t.Error("a dangling link was written through")
			}
		})
	}
}
