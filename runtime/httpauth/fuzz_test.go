package httpauth_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgen/authgen/runtime/httpauth"
)

// FuzzExtract feeds arbitrary header values to the token extractor: it must
// never panic, and a token it returns must be a non-empty, blank-free suffix
// of a header within the length cap.
func FuzzExtract(f *testing.F) {
	for _, seed := range []string{"Bearer abc.def.ghi", "bearer  x", "Token x", "Bearer", "Bearer a b", " ", "Basic dXNlcjpwdw==", "Bearer \tx"} {
		f.Add(seed)
	}
	e := httpauth.Extractor{Schemes: []string{"Bearer", "Token"}}
	f.Fuzz(func(t *testing.T, value string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Authorization"] = []string{value}
		tok, err := e.Extract(r)
		if err != nil {
			if !errors.Is(err, httpauth.ErrMalformed) && !errors.Is(err, httpauth.ErrUnknownScheme) && !errors.Is(err, httpauth.ErrNoToken) {
				t.Fatalf("Extract(%q): unexpected error %v", value, err)
			}
			return
		}
		if tok == "" || strings.ContainsAny(tok, " \t") || !strings.HasSuffix(value, tok) || len(value) > httpauth.MaxHeaderLength {
			t.Fatalf("Extract(%q) = %q", value, tok)
		}
	})
}

// FuzzDecodeJSON feeds arbitrary bodies and content types to the request
// decoder: it must never panic and must answer either nothing (decoded) or
// one of the client-error problems DESIGN.md names.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []struct{ ctype, body string }{
		{"application/json", `{"email":"ada@example.com","password":"correct horse"}`},
		{"application/json; charset=utf-8", `{"email":1}`},
		{"application/json", `{"email":"a"} {}`},
		{"application/json", `[]`},
		{"text/plain", `{}`},
		{"", ``},
		{"application/json", `{"email":"\ud800"}`},
	} {
		f.Add(seed.ctype, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(string(body)))
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		var dst struct {
			Email    string `json:"email"`
			Password string `json:"password"`
		}
		p := httpauth.DecodeJSON(httptest.NewRecorder(), r, &dst)
		if p == nil {
			return
		}
		switch p.Status {
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("DecodeJSON(%q, %q) = %d %s", ctype, body, p.Status, p.Code)
		}
	})
}
