package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestOAuth2Client drives a running generated service with
// golang.org/x/oauth2, unchanged: the password grant, a client that sends the
// token, and a TokenSource that refreshes it once it has expired. The access
// tokens live 12 s; x/oauth2 treats a token as expired 10 s early.
func TestOAuth2Client(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a service; skipped with -short")
	}
	t.Parallel()
	bin := buildService(t, t.TempDir(), combination{framework: "nethttp", storage: "memory"})
	svc := start(t, bin, append(serviceEnv(t, "oauth2", "memory"), "AUTH_ACCESS_TTL=12s"))
	if code, body := request(t, "POST", svc.base+"/auth/register", `{"email":"ada@example.com","password":"`+confPassword+`"}`, ""); code != 201 {
		t.Fatalf("register: %d %s", code, body)
	}
	ctx := context.Background()
	cfg := &oauth2.Config{ClientID: "conformance", Endpoint: oauth2.Endpoint{TokenURL: svc.base + "/auth/login"}}

	tok, err := cfg.PasswordCredentialsToken(ctx, "ada@example.com", confPassword)
	if err != nil {
		t.Fatalf("PasswordCredentialsToken: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken == "" || time.Until(tok.Expiry) > 12*time.Second || time.Until(tok.Expiry) < 5*time.Second {
		t.Fatalf("token %+v: want a Bearer token expiring in about 12 s, with a refresh token", tok)
	}
	me := func(client *http.Client) string {
		t.Helper()
		resp, err := client.Get(svc.base + "/auth/me")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET /auth/me through x/oauth2's client: %d %s", resp.StatusCode, body)
		}
		return string(body)
	}
	me(cfg.Client(ctx, tok))

	src := cfg.TokenSource(ctx, tok)
	if again, err := src.Token(); err != nil || again.AccessToken != tok.AccessToken {
		t.Fatalf("a fresh token was replaced: %v", err)
	}
	time.Sleep(time.Until(tok.Expiry.Add(-10*time.Second)) + 500*time.Millisecond)
	refreshed, err := src.Token()
	if err != nil {
		t.Fatalf("TokenSource refresh: %v", err)
	}
	if refreshed.AccessToken == tok.AccessToken || refreshed.RefreshToken == tok.RefreshToken {
		t.Fatal("the expired token was not refreshed")
	}
	me(oauth2.NewClient(ctx, src))

	// The spent refresh token and a wrong password: RFC 6749 errors that
	// x/oauth2 reports as such.
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	wantGrantError(t, "the spent refresh token", err)
	_, err = cfg.PasswordCredentialsToken(ctx, "ada@example.com", "not the password")
	wantGrantError(t, "a wrong password", err)

	// An account with a second factor: the password grant answers the
	// challenge as the well-known identity providers do, which x/oauth2
	// reports as a RetrieveError with the error code mfa_required.
	_, body := request(t, "POST", svc.base+"/auth/login", `{"email":"ada@example.com","password":"`+confPassword+`"}`, "")
	access := jsonField(body, "access_token")
	if code, body := request(t, "POST", svc.base+"/auth/mfa/totp", "", access); code != 200 {
		t.Fatalf("start enrolment: %d %s", code, body)
	} else if code, body := request(t, "POST", svc.base+"/auth/mfa/totp/confirm", `{"code":"`+codeFor(t, jsonField(body, "secret"), time.Now())+`"}`, access); code != 200 {
		t.Fatalf("confirm: %d %s", code, body)
	}
	_, err = cfg.PasswordCredentialsToken(ctx, "ada@example.com", confPassword)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "mfa_required" || re.Response.StatusCode != 403 || re.ErrorDescription == "" {
		t.Errorf("the password grant of an account with a second factor: %v, want a 403 mfa_required RetrieveError", err)
	}
}

func wantGrantError(t *testing.T, what string, err error) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || re.Response.StatusCode != 400 || re.ErrorDescription == "" {
		t.Errorf("%s: %v, want a 400 invalid_grant RetrieveError with a description", what, err)
	}
}
