package generator

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// maxFileSize bounds what authgen reads from the module: far above anything
// it writes, far below what would exhaust memory on a crafted file.
const maxFileSize = 16 << 20

// tree is the module directory as authgen touches it. authgen runs in
// repositories people clone (go generate ./...), so every file it reads,
// writes or removes must be one it owns: a path is relative and
// slash-separated, no component of it may be a symbolic link, and the file
// itself must be a regular file. The os.Root underneath keeps every access
// inside the directory even if a link appears between the check and the use.
type tree struct{ *os.Root }

func openTree(dir string) (*tree, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &tree{r}, nil
}

// UnsafePathError is a path authgen refuses to touch.
type UnsafePathError struct {
	Path   string // the path authgen was asked to use
	Reason string
}

func (e *UnsafePathError) Error() string {
	return fmt.Sprintf("refusing to touch %s: %s", e.Path, e.Reason)
}

// check refuses rel unless every existing component of it is a real
// directory and the file, if it exists, a regular file.
func (t *tree) check(rel string) error {
	if rel == "" || path.IsAbs(rel) || path.Clean(rel) != rel || rel == ".." || strings.HasPrefix(rel, "../") || strings.ContainsRune(rel, '\\') {
		return &UnsafePathError{rel, "not a path inside the module"}
	}
	parts := strings.Split(rel, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		fi, err := t.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // nothing below exists: creating it follows no link
		}
		if err != nil {
			return err
		}
		last := i == len(parts)-1
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			return &UnsafePathError{rel, p + " is a symbolic link, and authgen never follows one: replace it with a regular file or directory"}
		case !last && !fi.IsDir():
			return &UnsafePathError{rel, p + " is not a directory"}
		case last && !fi.Mode().IsRegular():
			return &UnsafePathError{rel, "it is not a regular file"}
		}
	}
	return nil
}

// checkDir is check for a directory: rel, if it exists, must be a real one.
func (t *tree) checkDir(rel string) error {
	if err := t.check(path.Join(rel, "x")); err != nil {
		var unsafe *UnsafePathError
		if errors.As(err, &unsafe) {
			unsafe.Path = rel
		}
		return err
	}
	return nil
}

// read returns the bytes of the regular file rel.
func (t *tree) read(rel string) ([]byte, error) {
	if err := t.check(rel); err != nil {
		return nil, err
	}
	f, err := t.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil || !fi.Mode().IsRegular():
		return nil, &UnsafePathError{rel, "it is not a regular file"}
	case hardLinks(fi) > 1:
		// A hard link cannot be told from the file it shares: it may be
		// the user's ~/.bashrc, and reading it would print it in a diff.
		return nil, &UnsafePathError{rel, "it has other hard links, and authgen does not read a file it may share with one outside the module"}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err == nil && len(data) > maxFileSize {
		return nil, &UnsafePathError{rel, "it is larger than any file authgen writes"}
	}
	return data, err
}

// stagedFile is a new file's bytes written next to its destination.
type stagedFile struct{ rel, tmp string }

// stage writes data to a new temp file in rel's directory, mode 0644.
func (t *tree) stage(rel string, data []byte) (stagedFile, error) {
	if err := t.check(rel); err != nil {
		return stagedFile{}, err
	}
	if dir := path.Dir(rel); dir != "." {
		if err := t.MkdirAll(dir, 0o755); err != nil {
			return stagedFile{}, err
		}
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := path.Join(path.Dir(rel), ".authgen-"+hex.EncodeToString(rnd[:]))
	f, err := t.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return stagedFile{}, err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Remove(tmp)
		return stagedFile{}, err
	}
	return stagedFile{rel, tmp}, nil
}

// commit renames a staged file into place; a rename replaces, and never
// follows, whatever is at the destination, which check saw was no link.
func (t *tree) commit(s stagedFile) error {
	if err := t.check(s.rel); err != nil {
		return err
	}
	return t.Rename(s.tmp, s.rel)
}

// write replaces rel with data atomically: a reader or a crash sees the old
// file or the new one, never half of one.
func (t *tree) write(rel string, data []byte) error {
	s, err := t.stage(rel, data)
	if err != nil {
		return err
	}
	if err := t.commit(s); err != nil {
		t.Remove(s.tmp)
		return err
	}
	return nil
}

// remove deletes the regular file rel; a missing one is no error.
func (t *tree) remove(rel string) error {
	if err := t.check(rel); err != nil {
		return err
	}
	if err := t.Remove(rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// readManifest reads authgen.sum into path -> digest; a missing one is empty.
func (t *tree) readManifest() (map[string]string, error) {
	data, err := t.read(ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	return parseManifest(data), nil
}

// ReadFile reads rel, a slash-separated path under root, refusing links and
// anything but a regular file: for the files authgen reads but does not
// generate (authgen.yaml, go.mod, the main.go it wires).
func ReadFile(root, rel string) ([]byte, error) {
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	return t.read(rel)
}

// WriteFile replaces rel under root atomically, with ReadFile's refusals,
// for files authgen edits rather than generates (a main.go it wires).
func WriteFile(root, rel string, data []byte) error {
	t, err := openTree(root)
	if err != nil {
		return err
	}
	defer t.Close()
	return t.write(rel, data)
}

// CheckPath reports whether rel, a slash-separated path under root, is one
// authgen may create or use: inside root, through no symbolic link.
func CheckPath(root, rel string) error {
	t, err := openTree(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // authgen new creates root
	}
	if err != nil {
		return err
	}
	defer t.Close()
	return t.checkDir(rel)
}
