package generator

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// regenerate is one `authgen generate` of opts in dir, as the CLI runs it:
// the history from dir's authgen.sum, the pure generator, and Write. It
// returns the paths Write created.
func regenerate(t *testing.T, dir string, opts Options, allowDrop bool) ([]string, error) {
	t.Helper()
	history, err := ReadHistory(dir, opts)
	if err != nil {
		return nil, err
	}
	files, err := Generate(Request{Options: opts, Target: NewTarget(dir, "example.com/svc", "1.26"), Version: DevelVersion, Source: goldenSource, History: history, AllowDrop: allowDrop})
	if err != nil {
		return nil, err
	}
	changes, err := Write(dir, files, WriteOptions{Owned: OwnedPaths(opts.Package)})
	if err != nil {
		t.Fatal(err)
	}
	var created []string
	for _, c := range changes {
		if c.Action == Created && strings.Contains(c.Path, "/migrations/") {
			created = append(created, strings.TrimPrefix(c.Path, opts.Package+"/migrations/"))
		}
	}
	return created, nil
}

func migrationsOf(t *testing.T, dir, dialect string) map[string]string {
	t.Helper()
	out := map[string]string{}
	paths, _ := filepath.Glob(filepath.Join(dir, "internal/auth/migrations", dialect, "*.sql"))
	for _, p := range paths {
		out[filepath.Base(p)] = string(mustReadFile(t, p))
	}
	return out
}

// scaffolded is a new module in a temp dir with the package of opts
// generated into it, as `authgen init` leaves it.
func scaffolded(t *testing.T, opts Options) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/svc\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := regenerate(t, dir, opts, false); err != nil {
		t.Fatal(err)
	}
	return dir
}

// serviceDir is an empty module example.com/svc to generate into.
func serviceDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/svc\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// testOptions are the defaults without session_check, whose index would
// add a migration to every new service these tests count migrations of
// (TestSessionCheckIndexesRevocations covers it).
func testOptions() Options {
	o := Defaults()
	o.Issuer = "example.com/svc"
	o.SessionCheck = SessionCheckOff
	return o
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSchemaMovesForward walks one service through option changes that
// need schema, on each SQL store: every change adds the next migration and
// leaves the written ones byte for byte; a change that drops a table is
// refused until --allow-drop, which writes the dropping migration.
func TestSchemaMovesForward(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			dir := serviceDir(t)
			opts := testOptions()
			opts.Storage = dialect
			created, err := regenerate(t, dir, opts, false)
			if err != nil {
				t.Fatal(err)
			}
			base := []string{dialect + "/0001_init.down.sql", dialect + "/0001_init.up.sql", dialect + "/0003_session_lifetime.down.sql", dialect + "/0003_session_lifetime.up.sql",
				dialect + "/0004_refresh_tokens_auth_time.down.sql", dialect + "/0004_refresh_tokens_auth_time.up.sql"}
			if !slices.Equal(created, base) {
				t.Fatalf("a new service's migrations: %v, want %v", created, base)
			}
			sum := string(mustReadFile(t, filepath.Join(dir, ManifestFile)))
			if !strings.Contains(sum, "migration "+dialect+" 0001_init +table:users=email +table:refresh_tokens\n") ||
				!strings.Contains(sum, "migration "+dialect+" 0003_session_lifetime +column:refresh_tokens.session_expires_at\n") {
				t.Fatalf("authgen.sum does not record the history:\n%s", sum)
			}
			written := migrationsOf(t, dir, dialect)

			// A second run with the same options adds nothing.
			if created, err := regenerate(t, dir, opts, false); err != nil || created != nil {
				t.Fatalf("an unchanged run: created %v, %v", created, err)
			}

			// login_throttle: store needs a table: migration 0004, not 0002.
			opts.LoginThrottle = ThrottleStore
			created, err = regenerate(t, dir, opts, false)
			if want := []string{dialect + "/0005_login_failures.down.sql", dialect + "/0005_login_failures.up.sql"}; err != nil || !slices.Equal(created, want) {
				t.Fatalf("login_throttle: store created %v, %v; want %v", created, err, want)
			}
			now := migrationsOf(t, dir, dialect)
			for name, data := range written {
				if now[name] != data {
					t.Errorf("%s changed:\n%s\nwas:\n%s", name, now[name], data)
				}
			}
			if up := now["0005_login_failures.up.sql"]; !strings.Contains(up, "CREATE TABLE login_failures") || !strings.HasPrefix(up, "-- "+generatedHeader+"\n") {
				t.Errorf("0004 up:\n%s", up)
			}
			if down := now["0005_login_failures.down.sql"]; !strings.Contains(down, "DROP TABLE login_failures;") {
				t.Errorf("0004 down:\n%s", down)
			}

			// Turning it off would drop the table: refused, and nothing written.
			opts.LoginThrottle = ThrottleInstance
			before := string(mustReadFile(t, filepath.Join(dir, ManifestFile)))
			_, err = regenerate(t, dir, opts, false)
			var drop *DropError
			if !errors.As(err, &drop) || !strings.Contains(err.Error(), "table login_failures") || !strings.Contains(err.Error(), "--allow-drop") {
				t.Fatalf("dropping login_failures without --allow-drop: %v", err)
			}
			if after := string(mustReadFile(t, filepath.Join(dir, ManifestFile))); after != before {
				t.Error("a refused run changed authgen.sum")
			}
			created, err = regenerate(t, dir, opts, true)
			if want := []string{dialect + "/0006_drop_login_failures.down.sql", dialect + "/0006_drop_login_failures.up.sql"}; err != nil || !slices.Equal(created, want) {
				t.Fatalf("--allow-drop created %v, %v; want %v", created, err, want)
			}
			now = migrationsOf(t, dir, dialect)
			if up, down := now["0006_drop_login_failures.up.sql"], now["0006_drop_login_failures.down.sql"]; !strings.Contains(up, "DROP TABLE login_failures;") || !strings.Contains(down, "CREATE TABLE login_failures") {
				t.Errorf("0005 up:\n%s\ndown:\n%s", up, down)
			}

			// Users who sign in with a username: the column is renamed, its
			// values kept, and the down file renames it back.
			opts.Identity = "username"
			created, err = regenerate(t, dir, opts, false)
			if want := []string{dialect + "/0007_users_username.down.sql", dialect + "/0007_users_username.up.sql"}; err != nil || !slices.Equal(created, want) {
				t.Fatalf("identity: username created %v, %v; want %v", created, err, want)
			}
			now = migrationsOf(t, dir, dialect)
			if up, down := now["0007_users_username.up.sql"], now["0007_users_username.down.sql"]; !strings.Contains(up, "RENAME COLUMN email TO username;") || !strings.Contains(down, "RENAME COLUMN username TO email;") {
				t.Errorf("0006 up:\n%s\ndown:\n%s", up, down)
			}
			for name, data := range written {
				if now[name] != data {
					t.Errorf("%s changed after three migrations", name)
				}
			}
		})
	}
}

// TestRecordedMigrationsAreNeverRendered: a recorded migration is emitted
// from its bytes, so that authgen changing its templates cannot change a
// file that ran; one that is missing or edited stops the run.
func TestRecordedMigrationsAreNeverRendered(t *testing.T) {
	opts := testOptions()
	opts.Storage = "sqlite"
	dir := scaffolded(t, opts)
	history, err := ReadHistory(dir, opts)
	if err != nil || len(history) != 3 {
		t.Fatalf("history %v, %v", history, err)
	}
	history[0].Up = []byte("-- as a release long ago wrote it\n")
	files, err := Generate(Request{Options: opts, Target: NewTarget(dir, "example.com/svc", "1.26"), Version: DevelVersion, Source: goldenSource, History: history})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(files, func(f File) bool { return f.Path == "internal/auth/migrations/sqlite/0001_init.up.sql" })
	if i < 0 || string(files[i].Data) != "-- as a release long ago wrote it\n" {
		t.Errorf("0001_init.up.sql was not emitted from its recorded bytes")
	}

	up := filepath.Join(dir, "internal/auth/migrations/sqlite/0001_init.up.sql")
	orig := mustReadFile(t, up)
	os.WriteFile(up, append(orig, "-- an edit\n"...), 0o644)
	if _, err := ReadHistory(dir, opts); err == nil || !strings.Contains(err.Error(), "0001_init.up.sql was changed since authgen wrote it") {
		t.Errorf("an edited migration: %v", err)
	}
	os.Remove(up)
	if _, err := ReadHistory(dir, opts); err == nil || !strings.Contains(err.Error(), "0001_init.up.sql is missing") {
		t.Errorf("a missing migration: %v", err)
	}
}

// TestHistoryOfAnOlderManifest: a service generated before authgen.sum
// recorded histories gets, as its history, the migrations its manifest
// lists, and moves forward from there.
func TestHistoryOfAnOlderManifest(t *testing.T) {
	opts := testOptions()
	opts.Storage = "postgres"
	opts.LoginThrottle = ThrottleStore
	dir := scaffolded(t, opts)
	sum := filepath.Join(dir, ManifestFile)
	data := string(mustReadFile(t, sum))
	old := data[:strings.Index(data, "# Migrations of")]
	os.WriteFile(sum, []byte(old), 0o644)
	history, err := ReadHistory(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mig := range history {
		names = append(names, mig.Name)
	}
	if want := []string{"0001_init", "0002_login_failures", "0003_session_lifetime"}; !slices.Equal(names, want) {
		t.Fatalf("history of an older manifest: %v, want %v", names, want)
	}
	if created, err := regenerate(t, dir, opts, false); err != nil || created != nil {
		t.Fatalf("regenerating an older service: created %v, %v", created, err)
	}
	if now := string(mustReadFile(t, sum)); now != data {
		t.Errorf("authgen.sum after the upgrade:\n%s\nwant:\n%s", now, data)
	}
}

// TestForgedHistoryIsRefused: a migration record in authgen.sum that authgen
// would not write (SQL in a change, a path in a name) stops the run before
// it becomes a file name or a statement.
func TestForgedHistoryIsRefused(t *testing.T) {
	opts := testOptions()
	opts.Storage = "sqlite"
	dir := scaffolded(t, opts)
	sum := filepath.Join(dir, ManifestFile)
	good := string(mustReadFile(t, sum))
	for _, forged := range []string{
		"migration sqlite 0004_evil +column:users.x;DROP/**/TABLE/**/users;--=string",
		"migration sqlite ../../0004_evil +table:login_failures",
		"migration sqlite 0004_evil +table:users=email'",
		"migration sqlite 0004_evil",
		"migration sqlite 0004_evil *table:login_failures",
	} {
		if err := os.WriteFile(sum, []byte(good+forged+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadHistory(dir, opts); err == nil || !strings.Contains(err.Error(), "is not a migration that authgen writes") {
			t.Errorf("%s: %v", forged, err)
		}
	}
}

// TestSessionCheckIndexesRevocations: session_check: strict polls the
// revocation times, which an index keeps cheap. A new service gets it as
// the migration after the baseline; a service that turns strict on later
// gets it as its next migration, and turning it off again is no drop of
// data, but still a change that needs --allow-drop like any other.
func TestSessionCheckIndexesRevocations(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			dir := serviceDir(t)
			opts := testOptions()
			opts.Storage = dialect
			opts.SessionCheck = SessionCheckStrict
			created, err := regenerate(t, dir, opts, false)
			want := []string{dialect + "/0001_init.down.sql", dialect + "/0001_init.up.sql", dialect + "/0003_session_lifetime.down.sql", dialect + "/0003_session_lifetime.up.sql",
				dialect + "/0004_refresh_tokens_auth_time_revoked_at.down.sql", dialect + "/0004_refresh_tokens_auth_time_revoked_at.up.sql"}
			if err != nil || !slices.Equal(created, want) {
				t.Fatalf("a new strict service's migrations: %v, %v; want %v", created, err, want)
			}
			now := migrationsOf(t, dir, dialect)
			if up := now["0004_refresh_tokens_auth_time_revoked_at.up.sql"]; !strings.Contains(up, "CREATE INDEX refresh_tokens_revoked_at ON refresh_tokens (revoked_at) WHERE revoked_at IS NOT NULL;") {
				t.Errorf("0004 up:\n%s", up)
			}
			if down := now["0004_refresh_tokens_auth_time_revoked_at.down.sql"]; !strings.Contains(down, "DROP INDEX refresh_tokens_revoked_at;") {
				t.Errorf("0004 down:\n%s", down)
			}

			// A service from before session_check turns it on: the index is its
			// next migration.
			old := serviceDir(t)
			opts.SessionCheck = SessionCheckOff
			opts.LoginThrottle = ThrottleStore
			if _, err := regenerate(t, old, opts, false); err != nil {
				t.Fatal(err)
			}
			opts.SessionCheck = SessionCheckStrict
			created, err = regenerate(t, old, opts, false)
			if want := []string{dialect + "/0005_refresh_tokens_revoked_at.down.sql", dialect + "/0005_refresh_tokens_revoked_at.up.sql"}; err != nil || !slices.Equal(created, want) {
				t.Fatalf("turning strict on created %v, %v; want %v", created, err, want)
			}

			// Turning it off again drops the index: refused like any drop until
			// --allow-drop, which writes the dropping migration.
			opts.SessionCheck = SessionCheckOff
			var drop *DropError
			if _, err := regenerate(t, old, opts, false); !errors.As(err, &drop) || !strings.Contains(err.Error(), "index refresh_tokens.revoked_at") {
				t.Fatalf("turning strict off without --allow-drop: %v", err)
			}
			created, err = regenerate(t, old, opts, true)
			if want := []string{dialect + "/0006_drop_refresh_tokens_revoked_at.down.sql", dialect + "/0006_drop_refresh_tokens_revoked_at.up.sql"}; err != nil || !slices.Equal(created, want) {
				t.Fatalf("--allow-drop created %v, %v; want %v", created, err, want)
			}
		})
	}
}
