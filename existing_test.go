package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitExistingServices adds auth to the sample services in
// testdata/services with `init --wire`: each must still build, pass its own
// tests and the generated ones, keep serving its routes, and answer the new
// endpoints.
func TestInitExistingServices(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs sample services; skipped with -short")
	}
	t.Parallel()
	samples := []struct {
		name, framework, route, want string
	}{
		{"nethttp-mux", "nethttp", "/items", `["hammer","saw"]`},
		{"chi-groups", "chi", "/api/projects/1", `"authgen"`},
		{"gin-middleware", "gin", "/notes", `["buy milk","ship authgen"]`},
	}
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			warmDependencies(t) // init --wire loads the module's packages, compiling their dependencies
			dir := filepath.Join(t.TempDir(), s.name)
			if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "services", s.name))); err != nil {
				t.Fatal(err)
			}
			r := authgen(t, dir, "init", "--wire", "--yes")
			if r.code != 0 || !strings.Contains(r.stdout, "wired     main.go") {
				t.Fatalf("init --wire: %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			// Detected, so the equivalent command need not say it.
			if cfg := string(mustRead(t, filepath.Join(dir, "authgen.yaml"))); !strings.Contains(cfg, "framework: "+s.framework+"\n") || strings.Contains(r.stdout, "--framework") {
				t.Errorf("framework not detected from go.mod as %s:\n%s\n%s", s.framework, cfg, r.stdout)
			}
			goCmd(t, dir, "vet", "./...")
			goCmd(t, dir, "test", "-count=1", "./...")
			if r := authgen(t, dir, "init", "--wire", "--yes", "--no-tidy"); r.code != 0 || !strings.Contains(r.stdout, "already imports the auth package") {
				t.Errorf("a second init changed the wiring: %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			bin := filepath.Join(t.TempDir(), "svc")
			goCmd(t, dir, "build", "-o", bin, ".")

			svc := start(t, bin, []string{"AUTH_JWT_SECRET=" + confSecret, "AUTH_DATABASE_PATH=" + filepath.Join(t.TempDir(), "auth.db")})
			base := svc.base

			if code, body := request(t, "GET", base+s.route, "", ""); code != 200 || strings.TrimSpace(body) != s.want {
				t.Errorf("existing route %s: %d %s", s.route, code, body)
			}
			creds := `{"email":"ada@example.com","password":"correct horse battery staple"}`
			if code, body := request(t, "POST", base+"/auth/register", creds, ""); code != 201 {
				t.Fatalf("register: %d %s\n%s", code, body, svc.logs.String())
			}
			code, body := request(t, "POST", base+"/auth/login", creds, "")
			var tk struct {
				Access string `json:"access_token"`
			}
			json.Unmarshal([]byte(body), &tk)
			if code != 200 || tk.Access == "" {
				t.Fatalf("login: %d %s", code, body)
			}
			if code, body := request(t, "GET", base+"/auth/me", "", tk.Access); code != 200 || !strings.Contains(body, "ada@example.com") {
				t.Errorf("me: %d %s", code, body)
			}
		})
	}
}
