package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMigrationsMoveForward runs a service with two user fields on each SQL
// store through option changes that need schema, with rows in place: a
// third field (and two more at once) adds migration 0005 and nothing else,
// login_throttle: store adds 0006, and after each the rebuilt service
// applies it to the existing database, where the existing user, its fields
// and its session keep working. The build before 0006 then refuses the
// database it no longer knows; turning the throttle off again is refused
// until --allow-drop, which adds the dropping migration that the service
// applies in turn. Last, string fields with values become unique: their
// values are folded as new ones are, and two that fold alike stop the start.
func TestMigrationsMoveForward(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and migrates services; skipped with -short")
	}
	t.Parallel()
	root := t.TempDir()
	for _, storage := range []string{"sqlite", "postgres"} {
		t.Run(storage, func(t *testing.T) {
			t.Parallel()
			c := combination{framework: "chi", storage: storage, profile: profile{fields: true}}
			dir := filepath.Join(root, c.name())
			bin := buildService(t, root, c)
			env := serviceEnv(t, "forward_"+storage, storage)
			svc := start(t, bin, env)
			ada := `{"email":"ada@example.com","password":"` + confPassword + `","display_name":"Ada","birthday":"1815-12-10T00:00:00Z"}`
			if code, body := request(t, "POST", svc.base+"/auth/register", ada, ""); code != 201 {
				t.Fatalf("register: %d %s", code, body)
			}
			s := login(t, svc.base)
			svc.stop()
			migrations := filepath.Join(dir, "internal", "auth", "migrations", storage)

			// A third field: migration 0005 adds its column, and only that.
			add := func(step, want string, args ...string) {
				t.Helper()
				before := readDir(t, migrations)
				r := authgen(t, dir, append([]string{"generate", "--no-tidy"}, args...)...)
				if r.code != 0 {
					t.Fatalf("%s: generate: %d\n%s", step, r.code, r.stderr)
				}
				now := readDir(t, migrations)
				for _, name := range []string{want + ".up.sql", want + ".down.sql"} {
					if _, ok := now[name]; !ok || !strings.Contains(r.stdout, "created   internal/auth/migrations/"+storage+"/"+name) {
						t.Errorf("%s: generate did not create %s:\n%s", step, name, r.stdout)
					}
				}
				if len(now) != len(before)+2 {
					t.Errorf("%s: %d migration files, want %d", step, len(now), len(before)+2)
				}
				for name, data := range before {
					if now[name] != data {
						t.Errorf("%s: %s changed", step, name)
					}
				}
				if r := authgen(t, dir, "check"); r.code != 0 {
					t.Fatalf("%s: check after generate: %d\n%s%s", step, r.code, r.stdout, r.stderr)
				}
			}
			appendFile(t, filepath.Join(dir, "authgen.yaml"), "  - name: employee_id\n    type: int\n    unique: true\n  - name: nickname\n    type: string\n  - name: motto\n    type: string\n")
			add("a third field and two more", "0005_users_employee_id_nickname_motto")
			fields := buildBinary(t, dir)
			svc = start(t, fields, env)
			s = refreshSession(t, svc.base, s)
			code, me := request(t, "GET", svc.base+"/auth/me", "", s.access)
			if code != 200 || jsonField(me, "display_name") != "Ada" || jsonField(me, "birthday") != "1815-12-10T00:00:00Z" || !strings.Contains(me, `"employee_id":null`) {
				t.Errorf("/auth/me after the third field: %d %s", code, me)
			}
			for _, body := range []string{
				`{"email":"grace@example.com","password":"` + confPassword + `","display_name":"Grace","employee_id":7,"nickname":"Éclair","motto":"Ärger"}`,
				`{"email":"zed@example.com","password":"` + confPassword + `","display_name":"Zed","motto":"ärger"}`,
			} {
				if code, answer := request(t, "POST", svc.base+"/auth/register", body, ""); code != 201 {
					t.Errorf("register with the new fields: %d %s", code, answer)
				}
			}
			svc.stop()

			setOption(t, dir, "login_throttle", "instance", "store")
			add("login_throttle: store", "0006_login_failures")
			svc = start(t, buildBinary(t, dir), env)
			login(t, svc.base)
			s = refreshSession(t, svc.base, s)
			svc.stop()

			// The build before 0006 does not know it: it must not serve.
			old := launch(t, fields, env)
			select {
			case <-old.done:
			case <-time.After(30 * time.Second):
				t.Fatal("the older build is still running on a database migrated past it")
			}
			if old.err == nil || !strings.Contains(old.logs.String(), "the database has migration 0006_login_failures, which this build does not have") {
				t.Errorf("the older build on a newer database: %v\n%s", old.err, old.logs.String())
			}

			// Back to instance: the table would go, with its rows.
			setOption(t, dir, "login_throttle", "store", "instance")
			before := treeDigest(t, dir)
			r := authgen(t, dir, "generate", "--no-tidy")
			if r.code != 2 || !strings.Contains(r.stderr, "table login_failures") || !strings.Contains(r.stderr, "--allow-drop") {
				t.Fatalf("generate dropping a table: %d\n%s", r.code, r.stderr)
			}
			if treeDigest(t, dir) != before {
				t.Error("a refused generate changed the tree")
			}
			if r := authgen(t, dir, "check"); r.code != 1 || !strings.Contains(r.stderr, "--allow-drop") {
				t.Errorf("check with a pending drop: %d\n%s", r.code, r.stderr)
			}
			add("--allow-drop", "0007_drop_login_failures", "--allow-drop")
			svc = start(t, buildBinary(t, dir), env)
			login(t, svc.base)
			s = refreshSession(t, svc.base, s)
			svc.stop()

			// A string field made unique keeps its values: the new build folds
			// them as it folds new ones (Unicode letters too, which SQL's
			// lower() may not), and refuses to serve while two fold alike.
			editConfig(t, dir, "  - name: nickname\n    type: string\n", "  - name: nickname\n    type: string\n    unique: true\n")
			add("nickname unique", "0008_users_nickname_unique")
			svc = start(t, buildBinary(t, dir), env)
			clash := `{"email":"eve@example.com","password":"` + confPassword + `","display_name":"Eve","nickname":"ÉCLAIR"}`
			if code, body := request(t, "POST", svc.base+"/auth/register", clash, ""); code != 409 || jsonField(body, "field") != "nickname" {
				t.Errorf("a nickname that a user had before it was unique, in other letter case: %d %s", code, body)
			}
			refreshSession(t, svc.base, s)
			svc.stop()
			editConfig(t, dir, "  - name: motto\n    type: string\n", "  - name: motto\n    type: string\n    unique: true\n")
			add("motto unique", "0009_users_motto_unique")
			refused := launch(t, buildBinary(t, dir), env)
			select {
			case <-refused.done:
			case <-time.After(30 * time.Second):
				t.Fatal("the service serves with two mottos that differ only in letter case made unique")
			}
			if refused.err == nil || !strings.Contains(refused.logs.String(), "is another user's but for letter case") {
				t.Errorf("a unique motto two users share but for letter case: %v\n%s", refused.err, refused.logs.String())
			}
		})
	}
}

// refreshSession spends s's refresh token and returns the new session.
func refreshSession(t *testing.T, base string, s session) session {
	t.Helper()
	code, body := request(t, "POST", base+"/auth/refresh", `{"refresh_token":"`+s.refresh+`"}`, "")
	if code != 200 {
		t.Fatalf("refresh of a session from before the migration: %d %s", code, body)
	}
	return session{jsonField(body, "access_token"), jsonField(body, "refresh_token")}
}

// setOption changes key: from to key: to in dir's authgen.yaml.
func setOption(t *testing.T, dir, key, from, to string) {
	t.Helper()
	editConfig(t, dir, key+": "+from+"\n", key+": "+to+"\n")
}

// editConfig replaces the first old in dir's authgen.yaml with new.
func editConfig(t *testing.T, dir, old, new string) {
	t.Helper()
	path := filepath.Join(dir, "authgen.yaml")
	cfg := string(mustRead(t, path))
	edited := strings.Replace(cfg, old, new, 1)
	if edited == cfg {
		t.Fatalf("authgen.yaml has no %q:\n%s", old, cfg)
	}
	writeFile(t, path, edited)
}

// appendFile adds text at the end of the file at path.
func appendFile(t *testing.T, path, text string) {
	t.Helper()
	writeFile(t, path, string(mustRead(t, path))+text)
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
