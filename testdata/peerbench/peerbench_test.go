package peerbench

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	ginjwt "github.com/appleboy/gin-jwt/v2"
	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/jwtauth/v5"
	"github.com/golang-jwt/jwt/v5"
	echojwt "github.com/labstack/echo-jwt/v4"
	"github.com/labstack/echo/v4"
	jwxjwt "github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/authgen/authgen/runtime/refresh"
	"github.com/authgen/authgen/runtime/token"

	"example.com/peerbench/chiauth"
	"example.com/peerbench/echoauth"
	"example.com/peerbench/ginauth"
	"example.com/peerbench/nethttpauth"
)

// The token every implementation verifies: HS256 with sub, iss, aud, iat,
// exp and jti, and the typ header of access tokens (RFC 9068).
const (
	secret   = "peerbench-secret-0123456789abcdef0123456789"
	issuer   = "https://issuer.test"
	audience = "api"
	subject  = "user-1"
	leeway   = 30 * time.Second
)

// poolSize exceeds the generated services' cache of verified tokens
// (token.DefaultCacheSize) eight times, so that cycling through the pool
// makes every request present a token the cache no longer holds.
const poolSize = 8 * 4 * token.DefaultCacheSize

// sessionClaims are the claims of a generated service's access tokens: the
// registered ones and the session (sid), which session_check: strict looks
// up in the list of ended sessions on every request. Peers ignore it.
type sessionClaims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid"`
}

// endedSessions is how many revoked sessions the generated services' lists
// hold while they are measured: session_check: strict (the default) looks
// every token's session up among them.
const endedSessions = 10_000

// withSessions fills store with endedSessions sessions, revoked when ended
// is set (New then loads them into the service's list of ended sessions):
// the store holds the same either way, so that the two services differ in
// their lists alone.
func withSessions[S sessionStore](store S, ended bool) S {
	ctx, now := context.Background(), time.Now()
	for i := range endedSessions {
		family := "ended-" + strconv.Itoa(i)
		rec := refresh.Record{Digest: refresh.Digest(family), FamilyID: family, UserID: "someone", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := store.InsertRefresh(ctx, rec); err != nil {
			panic(err)
		}
	}
	if ended {
		if err := store.RevokeUserRefresh(ctx, "someone", now); err != nil {
			panic(err)
		}
	}
	return store
}

// sessionStore is what withSessions needs of a generated MemoryStore.
type sessionStore interface {
	refresh.Store
	RevokeUserRefresh(ctx context.Context, userID string, now time.Time) error
}

var pool = sync.OnceValue(func() []string {
	now := time.Now()
	raws := make([]string, poolSize)
	for i := range raws {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, sessionClaims{jwt.RegisteredClaims{
			Subject:   subject,
			Issuer:    issuer,
			Audience:  jwt.ClaimStrings{audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
			ID:        strconv.Itoa(i),
		}, "live-" + strconv.Itoa(i)})
		tok.Header["typ"] = token.Type
		s, err := tok.SignedString([]byte(secret))
		if err != nil {
			panic(err)
		}
		raws[i] = s
	}
	return raws
})

// BenchmarkVerify measures verification alone: golang-jwt's Parser with the
// full check set, the token package of generated services, and the floor
// every HS256 verifier pays, the HMAC of the signing input.
func BenchmarkVerify(b *testing.B) {
	raws := pool()
	b.Run("golang-jwt", func(b *testing.B) {
		parser := jwt.NewParser(
			jwt.WithValidMethods([]string{"HS256"}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithIssuer(issuer),
			jwt.WithAudience(audience),
			jwt.WithLeeway(leeway),
		)
		keyFunc := func(t *jwt.Token) (any, error) {
			if t.Header["typ"] != token.Type {
				return nil, errors.New("not an access token")
			}
			return []byte(secret), nil
		}
		loop(b, raws, func(raw string) string {
			var claims jwt.RegisteredClaims
			if _, err := parser.ParseWithClaims(raw, &claims, keyFunc); err != nil {
				b.Fatal(err)
			}
			return claims.Subject
		})
	})
	tokens, err := token.New(token.Config{Algorithm: "HS256", Secret: []byte(secret), Issuer: issuer, Audience: audience, TTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	verify := func(raw string) string {
		claims, err := tokens.Verify(raw)
		if err != nil {
			b.Fatal(err)
		}
		return claims.Subject
	}
	b.Run("authgen-first", func(b *testing.B) { loop(b, raws, verify) })
	b.Run("authgen-again", func(b *testing.B) { loop(b, raws[:1], verify) })
	b.Run("hmac-floor", func(b *testing.B) {
		input := raws[0][:len(raws[0])-44] // the signing input, without ".<signature>"
		loop(b, raws[:1], func(string) string {
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write([]byte(input))
			mac.Sum(nil)
			return subject
		})
	})
}

func loop(b *testing.B, raws []string, verify func(string) string) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if verify(raws[i%len(raws)]) != subject {
			b.Fatal("wrong subject")
		}
		i++
	}
}

// The router benchmarks send GET /me through each router and middleware into
// a handler that reads the subject and answers 204. "first" cycles through
// the pool, "again" repeats one token.

func BenchmarkNetHTTP(b *testing.B) {
	authgenCases(b, func(ended bool) http.Handler {
		store := withSessions(nethttpauth.NewMemoryStore(), ended)
		svc := must(nethttpauth.New(nethttpauth.Config{Secret: []byte(secret), Issuer: issuer, Audience: audience, AccessTTL: time.Hour, RefreshTTL: 720 * time.Hour}, store))
		mux := http.NewServeMux()
		mux.Handle("GET /me", svc.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			answer(w, nethttpauth.ClaimsFrom(r.Context()).Subject)
		})))
		return mux
	})
}

func BenchmarkChi(b *testing.B) {
	authgenCases(b, func(ended bool) http.Handler {
		store := withSessions(chiauth.NewMemoryStore(), ended)
		svc := must(chiauth.New(chiauth.Config{Secret: []byte(secret), Issuer: issuer, Audience: audience, AccessTTL: time.Hour, RefreshTTL: 720 * time.Hour}, store))
		r := chi.NewRouter()
		r.With(svc.Require).Get("/me", func(w http.ResponseWriter, r *http.Request) {
			answer(w, chiauth.ClaimsFrom(r.Context()).Subject)
		})
		return r
	})

	ja := jwtauth.New("HS256", []byte(secret), nil,
		jwxjwt.WithIssuer(issuer), jwxjwt.WithAudience(audience), jwxjwt.WithAcceptableSkew(leeway))
	peer := chi.NewRouter()
	peer.With(jwtauth.Verifier(ja), jwtauth.Authenticator(ja)).Get("/me", func(w http.ResponseWriter, r *http.Request) {
		tok, _ := r.Context().Value(jwtauth.TokenCtxKey).(jwxjwt.Token)
		answer(w, tok.Subject())
	})
	b.Run("jwtauth", func(b *testing.B) { serve(b, peer, pool()) })
}

func BenchmarkEcho(b *testing.B) {
	authgenCases(b, func(ended bool) http.Handler {
		store := withSessions(echoauth.NewMemoryStore(), ended)
		svc := must(echoauth.New(echoauth.Config{Secret: []byte(secret), Issuer: issuer, Audience: audience, AccessTTL: time.Hour, RefreshTTL: 720 * time.Hour}, store))
		e := echo.New()
		e.GET("/me", func(c echo.Context) error {
			return c.NoContent(status(echoauth.Claims(c).Subject))
		}, svc.Require)
		return e
	})

	peer := echo.New()
	peer.GET("/me", func(c echo.Context) error {
		claims := c.Get("user").(*jwt.Token).Claims.(*jwt.RegisteredClaims)
		return c.NoContent(status(claims.Subject))
	}, echojwt.WithConfig(echojwt.Config{
		SigningKey:    []byte(secret),
		SigningMethod: "HS256",
		NewClaimsFunc: func(echo.Context) jwt.Claims { return new(jwt.RegisteredClaims) },
	}))
	b.Run("echo-jwt", func(b *testing.B) { serve(b, peer, pool()) })
}

func BenchmarkGin(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	authgenCases(b, func(ended bool) http.Handler {
		store := withSessions(ginauth.NewMemoryStore(), ended)
		svc := must(ginauth.New(ginauth.Config{Secret: []byte(secret), Issuer: issuer, Audience: audience, AccessTTL: time.Hour, RefreshTTL: 720 * time.Hour}, store))
		g := gin.New()
		g.GET("/me", svc.Require(), func(c *gin.Context) {
			c.Status(status(ginauth.Claims(c).Subject))
		})
		return g
	})

	mw, err := ginjwt.New(&ginjwt.GinJWTMiddleware{
		Realm:       "peerbench",
		Key:         []byte(secret),
		IdentityKey: "sub",
	})
	if err != nil {
		b.Fatal(err)
	}
	peer := gin.New()
	peer.GET("/me", mw.MiddlewareFunc(), func(c *gin.Context) {
		sub, _ := ginjwt.ExtractClaims(c)["sub"].(string)
		c.Status(status(sub))
	})
	b.Run("gin-jwt", func(b *testing.B) { serve(b, peer, pool()) })
}

// authgenCases measures the generated middleware of handler(true), whose
// service's list holds endedSessions ended sessions, and for the cost of
// session_check: strict, "first" and "again" through handler(false), whose store
// holds as many sessions but none ended: its list is empty, and the check
// stops at the list's count.
func authgenCases(b *testing.B, handler func(ended bool) http.Handler) {
	h := handler(true)
	b.Run("authgen-first", func(b *testing.B) { serve(b, h, pool()) })
	b.Run("authgen-again", func(b *testing.B) { serve(b, h, pool()[:1]) })
	none := handler(false)
	b.Run("authgen-first-none-ended", func(b *testing.B) { serve(b, none, pool()) })
	b.Run("authgen-again-none-ended", func(b *testing.B) { serve(b, none, pool()[:1]) })
}

// serve sends one request per iteration, each with the next token of raws,
// through a reused request and response writer so that only the router,
// the middleware and the handler are measured.
func serve(b *testing.B, h http.Handler, raws []string) {
	headers := make([][]string, len(raws))
	for i, raw := range raws {
		headers[i] = []string{"Bearer " + raw}
	}
	req := httptest.NewRequest("GET", "/me", nil)
	w := &discard{header: http.Header{}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req.Header["Authorization"] = headers[i%len(headers)]
		i++
		w.code = 0
		h.ServeHTTP(w, req)
		if w.code != http.StatusNoContent {
			b.Fatalf("status %d", w.code)
		}
	}
}

func answer(w http.ResponseWriter, sub string) { w.WriteHeader(status(sub)) }

// status is 204 when the handler saw the right subject.
func status(sub string) int {
	if sub != subject {
		return http.StatusInternalServerError
	}
	return http.StatusNoContent
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// discard is a ResponseWriter that keeps only the status code.
type discard struct {
	header http.Header
	code   int
}

func (d *discard) Header() http.Header { return d.header }

func (d *discard) Write(p []byte) (int, error) {
	if d.code == 0 {
		d.code = http.StatusOK
	}
	return len(p), nil
}

func (d *discard) WriteHeader(code int) {
	if d.code == 0 {
		d.code = code
	}
}
