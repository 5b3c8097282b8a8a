package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRestartKeepsState stops and restarts the built service between
// requests: users and live refresh tokens survive on every durable store.
func TestRestartKeepsState(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and restarts services; skipped with -short")
	}
	t.Parallel()
	root := t.TempDir()
	for _, storage := range []string{"sqlite", "postgres"} {
		t.Run(storage, func(t *testing.T) {
			t.Parallel()
			bin := buildService(t, root, combination{framework: "chi", storage: storage})
			env := serviceEnv(t, "restart_"+storage, storage)
			svc := start(t, bin, env)
			if code, body := request(t, "POST", svc.base+"/auth/register", `{"email":"ada@example.com","password":"`+confPassword+`"}`, ""); code != 201 {
				t.Fatalf("register: %d %s", code, body)
			}
			s := login(t, svc.base)
			svc.stop()

			svc = start(t, bin, env)
			login(t, svc.base)
			if code, body := request(t, "GET", svc.base+"/auth/me", "", s.access); code != 200 {
				t.Errorf("access token after restart: %d %s", code, body)
			}
			if code, body := request(t, "POST", svc.base+"/auth/refresh", `{"refresh_token":"`+s.refresh+`"}`, ""); code != 200 {
				t.Errorf("refresh token after restart: %d %s", code, body)
			}
		})
	}
}

// TestDatabaseOutage stops the PostgreSQL server under a running service:
// store-bound endpoints answer 503 problem+json in bounded time, token-only
// routes keep working, the process stays up, and service resumes when the
// database returns. It runs its own cluster so as not to disturb the others.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops a PostgreSQL cluster; skipped with -short")
	}
	t.Parallel()
	// Not under t.TempDir: the cluster runs as the postgres user, who cannot
	// enter root's private temp directories.
	port := freePort(t)
	dir := filepath.Join(os.TempDir(), "authgen-pg-outage-"+port)
	pg := []string{"PGPORT=" + port, "PGDIR=" + dir}
	cluster := func(args ...string) string {
		cmd := exec.Command(".ci/postgres", args...)
		cmd.Env = append(os.Environ(), pg...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf(".ci/postgres %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	dbURL := cluster()
	t.Cleanup(func() { cluster("stop"); os.RemoveAll(dir) })

	svcRoot := t.TempDir()
	bin := buildService(t, svcRoot, combination{framework: "nethttp", storage: "postgres"})
	spec, err := os.ReadFile(filepath.Join(svcRoot, "nethttp-postgres", "internal", "auth", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := loadOpenAPI(spec)
	if err != nil {
		t.Fatal(err)
	}
	declared := declaredResponses(doc)
	svc := start(t, bin, append(mailEnv(t), "AUTH_JWT_SECRET="+confSecret, "AUTH_DATABASE_URL="+dbURL, "AUTH_STORE_TIMEOUT=2s"))
	if code, body := request(t, "POST", svc.base+"/auth/register", `{"email":"ada@example.com","password":"`+confPassword+`"}`, ""); code != 201 {
		t.Fatalf("register: %d %s", code, body)
	}
	s := login(t, svc.base)

	cluster("stop")
	for _, c := range []struct{ method, path, body, token string }{
		{"POST", "/auth/login", `{"email":"ada@example.com","password":"` + confPassword + `"}`, ""},
		{"POST", "/auth/refresh", `{"refresh_token":"` + s.refresh + `"}`, ""},
		{"GET", "/auth/me", "", s.access},
	} {
		began := time.Now()
		code, body := request(t, c.method, svc.base+c.path, c.body, c.token)
		took := time.Since(began)
		if code != 503 || jsonField(body, "code") != "unavailable" {
			t.Errorf("%s %s with the database down: %d %s, want 503 unavailable", c.method, c.path, code, body)
		}
		if !declared[c.method+" "+c.path+" 503"] {
			t.Errorf("%s %s answered 503, which openapi.yaml does not declare", c.method, c.path)
		}
		if took > 5*time.Second {
			t.Errorf("%s %s took %v with the database down, want under the 2s store timeout plus slack", c.method, c.path, took)
		}
	}
	if code, body := request(t, "GET", svc.base+"/hello", "", s.access); code != 200 {
		t.Errorf("a token-only route with the database down: %d %s", code, body)
	}

	cluster()
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := request(t, "POST", svc.base+"/auth/login", `{"email":"ada@example.com","password":"`+confPassword+`"}`, "")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after the database returned: %d %s\n%s", code, body, svc.logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if svc.exited() {
		t.Fatal("the service exited during the outage")
	}
}

// TestInstancesStartTogether starts three instances of a PostgreSQL service
// at once against an empty database: the advisory lock makes them take turns
// at the migrations, and all three come up and serve the same users.
func TestInstancesStartTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs services; skipped with -short")
	}
	t.Parallel()
	bin := buildService(t, t.TempDir(), combination{framework: "chi", storage: "postgres"})
	env := append(mailEnv(t), "AUTH_JWT_SECRET="+confSecret, "AUTH_DATABASE_URL="+testDatabase(t, "instances"))
	var instances []*running
	for range 3 {
		instances = append(instances, launch(t, bin, env))
	}
	for _, in := range instances {
		waitReady(t, in)
	}
	if code, body := request(t, "POST", instances[0].base+"/auth/register", `{"email":"ada@example.com","password":"`+confPassword+`"}`, ""); code != 201 {
		t.Fatalf("register on the first instance: %d %s", code, body)
	}
	for i, in := range instances {
		login(t, in.base)
		if strings.Contains(in.logs.String(), "migrate") {
			t.Errorf("instance %d logged a migration error:\n%s", i, in.logs.String())
		}
	}
}

// TestSecretRotationKeepsSessions restarts a service with a new
// AUTH_JWT_SECRET, as AUTH.md tells operators to rotate it: old access
// tokens are refused, and the stored refresh tokens still work, so nobody
// has to log in again.
func TestSecretRotationKeepsSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and restarts a service; skipped with -short")
	}
	t.Parallel()
	bin := buildService(t, t.TempDir(), combination{framework: "nethttp", storage: "sqlite"})
	db := "AUTH_DATABASE_PATH=" + filepath.Join(t.TempDir(), "auth.db")
	mail := mailEnv(t)
	svc := start(t, bin, append(mail, "AUTH_JWT_SECRET="+confSecret, db))
	if code, body := request(t, "POST", svc.base+"/auth/register", `{"email":"ada@example.com","password":"`+confPassword+`"}`, ""); code != 201 {
		t.Fatalf("register: %d %s", code, body)
	}
	s := login(t, svc.base)
	svc.stop()

	svc = start(t, bin, append(mail, "AUTH_JWT_SECRET="+strings.Repeat("n", 48), db))
	if code, body := request(t, "GET", svc.base+"/auth/me", "", s.access); code != 401 || jsonField(body, "code") != "invalid_token" {
		t.Errorf("old access token under the new secret: %d %s, want 401 invalid_token", code, body)
	}
	code, body := request(t, "POST", svc.base+"/auth/refresh", `{"refresh_token":"`+s.refresh+`"}`, "")
	if code != 200 {
		t.Fatalf("refresh after rotation: %d %s", code, body)
	}
	if code, body := request(t, "GET", svc.base+"/auth/me", "", jsonField(body, "access_token")); code != 200 {
		t.Errorf("new access token: %d %s", code, body)
	}
}

// TestKeyRotationKeepsSessions rotates the ES256 key of a running service the
// way AUTH.md says: a new pair from authgen keys, the old public key kept in
// AUTH_JWT_PUBLIC_KEY_FILES. Access tokens of the old key keep working and the
// JWK Set lists both keys; once the old key is dropped, its tokens fail.
func TestKeyRotationKeepsSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and restarts a service; skipped with -short")
	}
	t.Parallel()
	root := t.TempDir()
	bin := buildService(t, root, combination{framework: "chi", storage: "sqlite", profile: profile{alg: "ES256", transport: "header"}})
	newKey := func() string {
		out := authgen(t, root, "keys", "--alg", "ES256", "--out", "keys")
		line, _, _ := strings.Cut(out.stdout, "\n")
		file, ok := strings.CutPrefix(line, "AUTH_JWT_PRIVATE_KEY_FILE=")
		if out.code != 0 || !ok {
			t.Fatalf("authgen keys: %d %s %s", out.code, out.stdout, out.stderr)
		}
		return filepath.Join(root, file)
	}
	oldKey, nextKey := newKey(), newKey()
	db := "AUTH_DATABASE_PATH=" + filepath.Join(t.TempDir(), "auth.db")
	env := func(key string, previous ...string) []string {
		return append(mailEnv(t), "AUTH_JWT_PRIVATE_KEY_FILE="+key, "AUTH_JWT_PUBLIC_KEY_FILES="+strings.Join(previous, ","), db)
	}
	svc := start(t, bin, env(oldKey))
	if code, body := request(t, "POST", svc.base+"/auth/register", `{"email":"ada@example.com","password":"`+confPassword+`"}`, ""); code != 201 {
		t.Fatalf("register: %d %s", code, body)
	}
	s := login(t, svc.base)
	svc.stop()

	svc = start(t, bin, env(nextKey, strings.TrimSuffix(oldKey, ".key")+".pub"))
	if code, body := request(t, "GET", svc.base+"/auth/me", "", s.access); code != 200 {
		t.Errorf("old access token after the rotation: %d %s, want 200", code, body)
	}
	if code, body := request(t, "GET", svc.base+"/.well-known/jwks.json", "", ""); code != 200 || strings.Count(body, `"kid"`) != 2 {
		t.Errorf("JWK Set after the rotation: %d %s, want both keys", code, body)
	}
	code, body := request(t, "POST", svc.base+"/auth/refresh", `{"refresh_token":"`+s.refresh+`"}`, "")
	if code != 200 {
		t.Fatalf("refresh after the rotation: %d %s", code, body)
	}
	fresh := jsonField(body, "access_token")
	svc.stop()

	svc = start(t, bin, env(nextKey))
	if code, body := request(t, "GET", svc.base+"/auth/me", "", s.access); code != 401 || jsonField(body, "code") != "invalid_token" {
		t.Errorf("token of the dropped key: %d %s, want 401 invalid_token", code, body)
	}
	if code, body := request(t, "GET", svc.base+"/auth/me", "", fresh); code != 200 {
		t.Errorf("token of the new key: %d %s", code, body)
	}
}
