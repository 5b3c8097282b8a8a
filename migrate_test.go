package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMigrationsMoveForward runs a service on each SQL store through an
// option change that needs schema, with rows in place: login_throttle:
// store adds migration 0004 and nothing else, the rebuilt service applies
// it to the existing database, and the existing user and session keep
// working. The old binary then refuses the database it no longer knows;
// turning the option off again is refused until --allow-drop, which adds
// the dropping migration that the service applies in turn.
func TestMigrationsMoveForward(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and migrates services; skipped with -short")
	}
	t.Parallel()
	root := t.TempDir()
	for _, storage := range []string{"sqlite", "postgres"} {
		t.Run(storage, func(t *testing.T) {
			t.Parallel()
			c := combination{framework: "chi", storage: storage}
			dir := filepath.Join(root, c.name())
			oldBin := buildService(t, root, c)
			env := serviceEnv(t, "forward_"+storage, storage)
			svc := start(t, oldBin, env)
			if code, body := request(t, "POST", svc.base+"/auth/register", `{"email":"ada@example.com","password":"`+confPassword+`"}`, ""); code != 201 {
				t.Fatalf("register: %d %s", code, body)
			}
			s := login(t, svc.base)
			svc.stop()

			migrations := filepath.Join(dir, "internal", "auth", "migrations", storage)
			baseline := readDir(t, migrations)
			setOption(t, dir, "login_throttle", "instance", "store")
			r := authgen(t, dir, "generate", "--no-tidy")
			if r.code != 0 {
				t.Fatalf("generate with login_throttle: store: %d\n%s", r.code, r.stderr)
			}
			for _, name := range []string{"0004_login_failures.up.sql", "0004_login_failures.down.sql"} {
				if !strings.Contains(r.stdout, "created   internal/auth/migrations/"+storage+"/"+name) {
					t.Errorf("generate did not create %s:\n%s", name, r.stdout)
				}
			}
			now := readDir(t, migrations)
			if len(now) != len(baseline)+2 {
				t.Errorf("migrations after the change: %d files, want %d", len(now), len(baseline)+2)
			}
			for name, data := range baseline {
				if now[name] != data {
					t.Errorf("%s changed", name)
				}
			}
			if r := authgen(t, dir, "check"); r.code != 0 {
				t.Fatalf("check after generate: %d\n%s%s", r.code, r.stdout, r.stderr)
			}

			newBin := buildBinary(t, dir)
			svc = start(t, newBin, env)
			login(t, svc.base)
			if code, body := request(t, "POST", svc.base+"/auth/refresh", `{"refresh_token":"`+s.refresh+`"}`, ""); code != 200 {
				t.Errorf("a refresh token of before the migration: %d %s", code, body)
			}
			svc.stop()

			// The old build does not know migration 0004: it must not serve.
			old := launch(t, oldBin, env)
			select {
			case <-old.done:
			case <-time.After(30 * time.Second):
				t.Fatal("the old build is still running on a database migrated past it")
			}
			if old.err == nil || !strings.Contains(old.logs.String(), "the database has migration 0004_login_failures, which this build does not have") {
				t.Errorf("the old build on a newer database: %v\n%s", old.err, old.logs.String())
			}

			// Back to instance: the table would go, with its rows.
			setOption(t, dir, "login_throttle", "store", "instance")
			before := treeDigest(t, dir)
			r = authgen(t, dir, "generate", "--no-tidy")
			if r.code != 2 || !strings.Contains(r.stderr, "table login_failures") || !strings.Contains(r.stderr, "--allow-drop") {
				t.Fatalf("generate dropping a table: %d\n%s", r.code, r.stderr)
			}
			if treeDigest(t, dir) != before {
				t.Error("a refused generate changed the tree")
			}
			if r := authgen(t, dir, "check"); r.code != 1 || !strings.Contains(r.stderr, "--allow-drop") {
				t.Errorf("check with a pending drop: %d\n%s", r.code, r.stderr)
			}
			r = authgen(t, dir, "generate", "--no-tidy", "--allow-drop")
			if r.code != 0 || !strings.Contains(r.stdout, "created   internal/auth/migrations/"+storage+"/0005_drop_login_failures.up.sql") {
				t.Fatalf("generate --allow-drop: %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			svc = start(t, buildBinary(t, dir), env)
			login(t, svc.base)
		})
	}
}

// setOption changes key: from to key: to in dir's authgen.yaml.
func setOption(t *testing.T, dir, key, from, to string) {
	t.Helper()
	path := filepath.Join(dir, "authgen.yaml")
	cfg := string(mustRead(t, path))
	edited := strings.Replace(cfg, key+": "+from+"\n", key+": "+to+"\n", 1)
	if edited == cfg {
		t.Fatalf("authgen.yaml has no %q line:\n%s", key+": "+from, cfg)
	}
	writeFile(t, path, edited)
}

// readDir maps the names of the files in dir to their contents.
func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		out[e.Name()] = string(mustRead(t, filepath.Join(dir, e.Name())))
	}
	return out
}
