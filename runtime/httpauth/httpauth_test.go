package httpauth_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authgen/authgen/runtime/httpauth"
)

func TestExtract(t *testing.T) {
	multi := httpauth.Extractor{Schemes: []string{"Bearer", "Token"}}
	cases := []struct {
		name    string
		ex      httpauth.Extractor
		headers []string
		want    string
		err     error
	}{
		{"bearer", httpauth.Extractor{}, []string{"Bearer abc.def.ghi"}, "abc.def.ghi", nil},
		{"scheme is case-insensitive", httpauth.Extractor{}, []string{"bearer abc"}, "abc", nil},
		{"second scheme", multi, []string{"Token abc"}, "abc", nil},
		{"absent", httpauth.Extractor{}, nil, "", httpauth.ErrNoToken},
		{"empty", httpauth.Extractor{}, []string{""}, "", httpauth.ErrMalformed},
		{"scheme only", httpauth.Extractor{}, []string{"Bearer"}, "", httpauth.ErrMalformed},
		{"scheme and space", httpauth.Extractor{}, []string{"Bearer "}, "", httpauth.ErrMalformed},
		{"basic", httpauth.Extractor{}, []string{"Basic dXNlcjpwdw=="}, "", httpauth.ErrUnknownScheme},
		{"token not accepted by default", httpauth.Extractor{}, []string{"Token abc"}, "", httpauth.ErrUnknownScheme},
		{"bare token", httpauth.Extractor{}, []string{"abc.def.ghi"}, "", httpauth.ErrUnknownScheme},
		{"two tokens", httpauth.Extractor{}, []string{"Bearer a b"}, "", httpauth.ErrMalformed},
		{"two headers", httpauth.Extractor{}, []string{"Bearer a", "Bearer b"}, "", httpauth.ErrMalformed},
		{"10 KB", httpauth.Extractor{}, []string{"Bearer " + strings.Repeat("a", 10<<10)}, "", httpauth.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			for _, h := range c.headers {
				r.Header.Add("Authorization", h)
			}
			got, err := c.ex.Extract(r)
			if got != c.want || !errors.Is(err, c.err) {
				t.Errorf("Extract = %q, %v; want %q, %v", got, err, c.want, c.err)
			}
		})
	}
}

func TestExtractCustomHeader(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Api-Token", "Token abc")
	r.Header.Set("Authorization", "Bearer other")
	got, err := httpauth.Extractor{Header: "X-Api-Token", Schemes: []string{"Token"}}.Extract(r)
	if got != "abc" || err != nil {
		t.Errorf("Extract = %q, %v", got, err)
	}
}

func TestDecodeJSON(t *testing.T) {
	type body struct{ Email string }
	cases := []struct {
		name, ctype, body string
		status            int
	}{
		{"ok", "application/json", `{"email":"a@b.c"}`, 0},
		{"charset", "application/json; charset=utf-8", `{"email":"a@b.c"}`, 0},
		{"text", "text/plain", `{"email":"a@b.c"}`, 415},
		{"form", "application/x-www-form-urlencoded", `email=a`, 415},
		{"none", "", `{}`, 415},
		{"malformed", "application/json", `{"email":`, 400},
		{"wrong type", "application/json", `{"email":42}`, 400},
		{"two values", "application/json", `{} {}`, 400},
		{"array", "application/json", `[]`, 400},
		{"too large", "application/json", `{"email":"` + strings.Repeat("a", 2<<20) + `"}`, 413},
		{"not UTF-8", "application/json", "{\"email\":\"a\xff@b.c\"}", 400},
		{"a member twice", "application/json", `{"email":"a@b.c","email":"x@y.z"}`, 400},
		{"a member twice in other letter case", "application/json", `{"email":"a@b.c","EMAIL":"x@y.z"}`, 400},
		{"a member twice as the decoder folds it (Kelvin sign)", "application/json", "{\"email\":\"a@b.c\",\"x\":{\"k\":1,\"\u212a\":2}}", 400},
		{"a nested member twice", "application/json", `{"email":"a@b.c","x":{"k":1,"K":2}}`, 400},
		{"one name in two objects", "application/json", `{"email":"a@b.c","x":{"email":1},"y":[{"email":2},{"email":3}]}`, 0},
		{"a repeated string in an array", "application/json", `{"email":"a@b.c","x":["email","email"]}`, 0},
		{"a value equal to its name", "application/json", `{"email":"email"}`, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
			if c.ctype != "" {
				r.Header.Set("Content-Type", c.ctype)
			}
			var b body
			p := httpauth.DecodeJSON(httptest.NewRecorder(), r, &b)
			switch {
			case c.status == 0 && p != nil:
				t.Fatalf("rejected: %v", p)
			case c.status != 0 && (p == nil || p.Status != c.status):
				t.Fatalf("problem = %v, want status %d", p, c.status)
			}
		})
	}
}

func TestWriteProblem(t *testing.T) {
	w := httptest.NewRecorder()
	httpauth.WriteProblem(w, httpauth.Unauthorized(httpauth.CodeInvalidToken, "bad", true))
	if w.Code != 401 || w.Header().Get("Content-Type") != "application/problem+json" ||
		w.Header().Get("WWW-Authenticate") != `Bearer error="invalid_token"` {
		t.Fatalf("status %d headers %v", w.Code, w.Header())
	}
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"type", "title", "status", "detail", "code"} {
		if _, ok := got[k]; !ok {
			t.Errorf("problem body lacks %q: %s", k, w.Body)
		}
	}
	w = httptest.NewRecorder()
	httpauth.WriteProblem(w, httpauth.Unauthorized(httpauth.CodeMissingToken, "none", false))
	if got := w.Header().Get("WWW-Authenticate"); got != "Bearer" {
		t.Errorf("challenge without token = %q", got)
	}
	w = httptest.NewRecorder()
	httpauth.WriteProblem(w, httpauth.Unavailable())
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("unavailable: %d %v", w.Code, w.Header())
	}
	if strings.Contains(w.Body.String(), `"field"`) {
		t.Errorf("a problem about no field names one: %s", w.Body)
	}
	w = httptest.NewRecorder()
	httpauth.WriteProblem(w, httpauth.Invalid("display_name", "display_name is required"))
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if w.Code != http.StatusUnprocessableEntity || got["code"] != httpauth.CodeValidation || got["field"] != "display_name" || got["detail"] != "display_name is required" {
		t.Errorf("invalid: %d %s", w.Code, w.Body)
	}
}

func TestInsufficientScope(t *testing.T) {
	p := httpauth.InsufficientScope("write", "needs write")
	if p.Status != http.StatusForbidden || p.Code != httpauth.CodeInsufficientScope || p.Challenge != `Bearer error="insufficient_scope", scope="write"` {
		t.Fatalf("InsufficientScope(write) = %+v", p)
	}
	if p := httpauth.InsufficientScope("", "no token of this kind"); p.Challenge != `Bearer error="insufficient_scope"` {
		t.Fatalf("InsufficientScope without a scope: challenge %q", p.Challenge)
	}
}

func TestReauthenticationRequired(t *testing.T) {
	p := httpauth.ReauthenticationRequired(10 * time.Minute)
	if p.Status != http.StatusUnauthorized || p.Code != httpauth.CodeReauthenticationRequired ||
		p.Challenge != `Bearer error="insufficient_user_authentication", error_description="a more recent authentication is required", max_age="600"` {
		t.Fatalf("ReauthenticationRequired(10m) = %+v", p)
	}
}

// TestRepeatedMemberDetailIsBounded: the problem of a member sent twice
// names it, cut short, however long the name was.
func TestRepeatedMemberDetailIsBounded(t *testing.T) {
	long := strings.Repeat("é", 200000) // 400 KB, twice within the 1 MiB bound
	body := `{"` + long + `":1,"` + long + `":2}`
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var v map[string]int
	p := httpauth.DecodeJSON(httptest.NewRecorder(), r, &v)
	if p == nil || p.Code != httpauth.CodeMalformedBody || len(p.Detail) > 200 || !strings.Contains(p.Detail, "éé") {
		t.Fatalf("repeated long member: %+v", p)
	}
}
