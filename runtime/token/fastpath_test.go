package token

import (
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestIssuedTokensTakeTheFastPath guards the benchmark's premise: what Issue
// writes is exactly what the fast path of Verify accepts without falling
// back to golang-jwt's parser.
func TestIssuedTokensTakeTheFastPath(t *testing.T) {
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		tk, err := New(Config{Algorithm: alg, Secret: []byte(strings.Repeat("k", 32)), Issuer: "iss", Audience: "aud", TTL: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		raw, want, err := tk.Issue("user-1", "session-1")
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(raw, ".")
		if parts[0] != tk.header {
			t.Fatalf("%s: issued header %q, fast path expects %q", alg, parts[0], tk.header)
		}
		body, _ := base64.RawURLEncoding.DecodeString(parts[1])
		var lean leanClaims
		got := &lean.Claims
		if !decodeClaims(string(body), &lean) {
			t.Fatalf("%s: lean decoder refuses the issued claims %s", alg, body)
		}
		if got.Subject != want.Subject || got.ID != want.ID || got.SessionID != want.SessionID ||
			!got.ExpiresAt.Equal(want.ExpiresAt.Time) || len(got.Audience) != 1 || got.Audience[0] != "aud" {
			t.Errorf("%s: lean decoder gave %+v, issued %+v", alg, got, want)
		}
		// A token that states its authentication (step-up) takes it too.
		at := time.Now().Add(-time.Minute)
		raw, want, err = tk.IssueAuthenticated("user-1", "session-1", Auth{Time: at, Methods: []string{"pwd", "otp"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ = base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[1])
		lean = leanClaims{}
		if !decodeClaims(string(body), &lean) {
			t.Fatalf("%s: lean decoder refuses the issued claims %s", alg, body)
		}
		if got.AuthTime == nil || !got.AuthTime.Equal(at.Truncate(time.Second)) || !got.AuthTime.Equal(want.AuthTime.Time) || strings.Join(got.AMR, " ") != "pwd otp" {
			t.Errorf("%s: lean decoder gave auth_time %v amr %v, issued %s", alg, got.AuthTime, got.AMR, body)
		}
	}
}

func TestCacheStaysBounded(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tk, err := New(Config{Algorithm: "HS256", Secret: []byte(strings.Repeat("k", 32)), Issuer: "iss", Audience: "aud",
		TTL: time.Minute, CacheSize: 64, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	hot, _, err := tk.Issue("user-0", "s")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		raw, _, err := tk.Issue("user-1", "s")
		if err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			raw = hot // a token in use, seen every few requests
		}
		if _, err := tk.Verify(raw); err != nil {
			t.Fatal(err)
		}
		if n := tk.cache.len(); n > 64 {
			t.Fatalf("cache holds %d tokens, bound is 64", n)
		}
	}
	if n := tk.cache.len(); n < 32 {
		t.Errorf("cache holds %d tokens after 1000 verifications, want at least half of 64", n)
	}
	if tk.cache.get(hot) == nil {
		t.Error("eviction dropped a token in use")
	}
}

// TestCacheUnderConcurrency verifies from many goroutines at once through a
// small cache, for the race detector, and checks every answer.
func TestCacheUnderConcurrency(t *testing.T) {
	tk, err := New(Config{Algorithm: "HS256", Secret: []byte(strings.Repeat("k", 32)), Issuer: "iss", Audience: "aud", TTL: time.Minute, CacheSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	raws := make([]string, 32)
	for i := range raws {
		if raws[i], _, err = tk.Issue("user-"+strconv.Itoa(i), "s"); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				n := (g*7 + i) % len(raws)
				c, err := tk.Verify(raws[n])
				if err != nil || c.Subject != "user-"+strconv.Itoa(n) {
					t.Errorf("Verify(token %d) = %v, %v", n, c, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestFastPathLeavesStrictClassesToTheParser: the lean decoder reports false
// for every payload the strict rules refuse, so that such a token reaches
// golang-jwt's parser and the checks that run after it (checkClaims).
func TestFastPathLeavesStrictClassesToTheParser(t *testing.T) {
	const base = `"iss":"iss","aud":"aud","sub":"u","iat":1800000000`
	for _, payload := range []string{
		`{` + base + `,"Exp":1800000600}`,
		`{"Sub":"u","exp":1800000600}`,
		`{` + base + `,"exp":1800000600,"sid":"a","sid":"b"}`,
		`{` + base + `,"exp":1800000600,"exp":1800000600}`,
		`{` + base + `,"exp":"1800000600"}`,
		`{` + base + `,"exp":null}`,
		`{` + base + `,"exp":-1}`,
		`{` + base + `,"exp":1e19}`,
		`{` + base + `,"exp":253402300800}`,
		`{` + base + `,"exp":999999999999999}`,
		`{` + base + `,"exp":1800000600,"nbf":253402300800}`,
	} {
		if decodeClaims(payload, new(leanClaims)) {
			t.Errorf("lean decoder accepts %s", payload)
		}
	}
	if !decodeClaims(`{`+base+`,"exp":253402300799}`, new(leanClaims)) {
		t.Error("lean decoder refuses the last second of year 9999")
	}
}
