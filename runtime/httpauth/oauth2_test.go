package httpauth_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgen/authgen/runtime/httpauth"
)

func TestDecodeForm(t *testing.T) {
	form := func(ctype, body string) (int, string) {
		r := httptest.NewRequest("POST", "/token", strings.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		v, p := httpauth.DecodeForm(httptest.NewRecorder(), r)
		if p != nil {
			return p.Status, p.Code
		}
		return 200, v.Get("grant_type") + "," + v.Get("username")
	}
	cases := []struct {
		ctype, body string
		status      int
		want        string
	}{
		{"application/x-www-form-urlencoded", "grant_type=password&username=ada%40example.com&password=x", 200, "password,ada@example.com"},
		{"application/x-www-form-urlencoded; charset=utf-8", "grant_type=password", 200, "password,"},
		{"application/x-www-form-urlencoded", "grant_type=password&grant_type=refresh_token", 400, "malformed_body"},
		{"application/x-www-form-urlencoded", "grant_type=%zz", 400, "malformed_body"},
		{"application/x-www-form-urlencoded", "x=" + strings.Repeat("a", 2<<20), 413, "body_too_large"},
		{"application/json", "{}", 415, "unsupported_media_type"},
	}
	for _, tc := range cases {
		if status, got := form(tc.ctype, tc.body); status != tc.status || got != tc.want {
			t.Errorf("%s %.40q: %d %s, want %d %s", tc.ctype, tc.body, status, got, tc.status, tc.want)
		}
	}
}

func TestOAuth2Errors(t *testing.T) {
	cases := []struct {
		in     *httpauth.Problem
		status int
		error  string
	}{
		{httpauth.Unauthorized(httpauth.CodeInvalidCredentials, "the email or password is wrong", false), 400, "invalid_grant"},
		{httpauth.Unauthorized(httpauth.CodeInvalidToken, "the refresh token is invalid", true), 400, "invalid_grant"},
		{httpauth.NewProblem(http.StatusUnprocessableEntity, httpauth.CodeValidation, "password too short"), 422, "invalid_request"},
		{httpauth.NewProblem(http.StatusTooManyRequests, httpauth.CodeRateLimited, "wait"), 429, "invalid_request"},
		{httpauth.Unavailable(), 503, "server_error"},
		{httpauth.MFARequired("tok"), 403, "mfa_required"},
	}
	for _, tc := range cases {
		got := tc.in.OAuth2()
		if got.Status != tc.status || got.OAuthError != tc.error || got.ErrorDescription != tc.in.Detail || got.Code != tc.in.Code {
			t.Errorf("%s: %+v, want status %d error %s", tc.in.Code, got, tc.status, tc.error)
		}
		if got.Status == 400 && got.Challenge != "" {
			t.Errorf("%s: a 400 keeps the 401 challenge %q", tc.in.Code, got.Challenge)
		}
		if tc.in.OAuthError != "" {
			t.Errorf("OAuth2 changed its receiver")
		}
		if got.MFAToken != tc.in.MFAToken {
			t.Errorf("%s: mfa_token %q, want %q", tc.in.Code, got.MFAToken, tc.in.MFAToken)
		}
	}
}
