package generator

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestDefaultsAreValid(t *testing.T) {
	o := Defaults()
	o.Issuer = "example.com/svc"
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateExplainsEachProblem(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"unknown framework", func(o *Options) { o.Framework = "rails" }, `unknown framework "rails": use one of chi, echo, gin, nethttp`},
		{"unknown storage", func(o *Options) { o.Storage = "mongo" }, `unknown storage "mongo"`},
		{"unknown algorithm", func(o *Options) { o.Algorithm = "none" }, `unsupported algorithm "none"`},
		{"refresh shorter than access", func(o *Options) { o.RefreshTTL = Duration(10 * time.Minute) }, "must be longer than the access TTL"},
		{"access TTL too short", func(o *Options) { o.AccessTTL = Duration(time.Second) }, "access TTL 1s is out of range"},
		{"package outside module", func(o *Options) { o.Package = "../elsewhere" }, "must be a relative path inside the module"},
		{"absolute package", func(o *Options) { o.Package = "/etc/auth" }, "must be a relative path inside the module"},
		{"bad prefix", func(o *Options) { o.Prefix = "auth/" }, "route prefix"},
		{"no scheme", func(o *Options) { o.Schemes = nil }, "no header scheme"},
		{"bad header", func(o *Options) { o.Header = "Bad Header" }, "not a valid header name"},
		{"empty audience", func(o *Options) { o.Audience = "" }, "audience must not be empty: e.g. --audience api"},
		{"recent auth too short", func(o *Options) { o.RecentAuth = Duration(30 * time.Second) }, "recent auth 30s is out of range"},
		{"personal access tokens in cookies", func(o *Options) { o.APITokens, o.Transport = true, TransportCookie }, "api_tokens needs the header transport"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Defaults()
			o.Issuer = "example.com/svc"
			c.mod(&o)
			err := o.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate() = %v, want it to say %q", err, c.want)
			}
		})
	}
}

func TestParseConfig(t *testing.T) {
	o, err := ParseConfig([]byte("version: 1\nframework: chi\naccess_ttl: 10m\nschemes: [Bearer, Token]\n"), Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if o.Framework != "chi" || o.AccessTTL != Duration(10*time.Minute) || strings.Join(o.Schemes, ",") != "Bearer,Token" || o.Storage != "sqlite" {
		t.Errorf("options = %+v", o)
	}
	if _, err := ParseConfig(nil, Defaults()); err != nil {
		t.Errorf("empty file: %v", err)
	}
	// Options newer than the file keep the behaviour the service had.
	if o.SessionCheck != SessionCheckOff || o.RecentAuth != 0 || o.APITokens {
		t.Errorf("a file from before session_check, recent_auth and api_tokens: %+v", o)
	}
	o, err = ParseConfig([]byte("version: 1\nrecent_auth: 15m\n"), Defaults())
	if err != nil || o.RecentAuth != Duration(15*time.Minute) || !o.GuardsRecentAuth() {
		t.Errorf("recent_auth: 15m reads as %v, %v", o.RecentAuth, err)
	}
}

func TestParseConfigErrorsCarryLineNumbers(t *testing.T) {
	cases := map[string]string{
		"version: 1\nframework: chi\nframwork: gin\n": "line 3: field framwork not found: the keys are version, framework, storage",
		"version: 1\naccess_ttl: soon\n":              `"soon" is not a duration`,
		"version: 2\n":                                "version 2 is not supported",
		"framework: [chi\n":                           "line 1",
	}
	for in, want := range cases {
		_, err := ParseConfig([]byte(in), Defaults())
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), ConfigFile) {
			t.Errorf("ParseConfig(%q) = %v, want an authgen.yaml error containing %q", in, err, want)
		}
	}
}

func TestRenderConfigRoundTrips(t *testing.T) {
	o := Defaults()
	o.Issuer = "https://auth.example.com"
	o.Schemes = []string{"Bearer", "Token"}
	o.AccessTTL = Duration(90 * time.Second)
	o.APITokens = true
	data, err := RenderConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if back.String() != o.String() {
		t.Errorf("round trip: %+v, want %+v\n%s", back, o, data)
	}
}

func TestDurationString(t *testing.T) {
	for d, want := range map[time.Duration]string{15 * time.Minute: "15m", 720 * time.Hour: "720h", 90 * time.Second: "1m30s", time.Hour + 30*time.Minute: "1h30m"} {
		if got := Duration(d).String(); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestValidateHardeningOptions(t *testing.T) {
	for _, c := range []struct {
		edit func(*Options)
		want string
	}{
		{func(o *Options) { o.LoginThrottle = "cluster" }, `unknown login_throttle "cluster": use one of instance, store, off`},
		{func(o *Options) { o.ClientIPHeader = "X Forwarded" }, `client_ip_header "X Forwarded" is not a valid header name`},
		{func(o *Options) { o.DuplicateRegistration = "silent" }, `unknown duplicate_registration "silent": use one of conflict, accepted`},
	} {
		o := Defaults()
		o.Issuer = "example.com/svc"
		c.edit(&o)
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate() = %v, want %q", err, c.want)
		}
	}
}

func TestValidatePasswordHash(t *testing.T) {
	o := Defaults()
	o.Issuer = "example.com/svc"
	o.PasswordHash = "md5"
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), `unknown password_hash "md5": use one of argon2id, bcrypt`) {
		t.Errorf("Validate() = %v", err)
	}
}

// TestConfigIsOneDocument: a second YAML document would be silently
// ignored by a reader that takes the first, so authgen.yaml holds one.
func TestConfigIsOneDocument(t *testing.T) {
	_, err := ParseConfig([]byte("version: 1\nframework: chi\n---\nframework: gin\n"), Defaults())
	if err == nil || !strings.Contains(err.Error(), "more than one YAML document") {
		t.Fatalf("err = %v", err)
	}
}

// TestLongValuesAreClippedInErrors: a 5 MB issuer is refused with its start,
// not echoed whole.
func TestLongValuesAreClippedInErrors(t *testing.T) {
	o := Defaults()
	o.Issuer = strings.Repeat("é", 3<<20)
	err := o.Validate()
	if err == nil || len(err.Error()) > 400 || !strings.Contains(err.Error(), "longer than 256 bytes") || !utf8.ValidString(err.Error()) {
		t.Fatalf("err = %.500v (%d bytes)", err, len(fmt.Sprint(err)))
	}
}

// TestOptionTableIsEveryOption: each key of authgen.yaml (a field of
// Options) has exactly one row in the option table, every flag is unique,
// and authgen.yaml.tmpl writes every key once.
func TestOptionTableIsEveryOption(t *testing.T) {
	keys := map[string]int{}
	flags := map[string]bool{}
	for _, opt := range OptionTable() {
		keys[opt.Key]++
		if flags[opt.Flag] {
			t.Errorf("flag --%s is declared twice", opt.Flag)
		}
		flags[opt.Flag] = true
		if opt.get == nil || opt.set == nil {
			t.Errorf("%s has no accessors", opt.Key)
		}
	}
	tmpl, err := os.ReadFile("../templates/authgen.yaml.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range configKeys()[1:] { // past "version"
		if keys[key] != 1 {
			t.Errorf("authgen.yaml key %s has %d rows in the option table, want 1", key, keys[key])
		}
		if n := strings.Count(string(tmpl), "\n"+key+":"); n != 1 {
			t.Errorf("authgen.yaml.tmpl writes %s %d times, want once", key, n)
		}
		delete(keys, key)
	}
	for key := range keys {
		t.Errorf("option table row %s is no field of Options", key)
	}
}

// TestOptionTableRoundTrips: every option's value survives Get then Set, at
// the defaults and at a non-default value, so that flags, prompts and the
// equivalent command carry exactly what authgen.yaml would.
func TestOptionTableRoundTrips(t *testing.T) {
	changed := Defaults()
	changed.Issuer = "https://api.example.com"
	changed.Transport, changed.CookieSecure, changed.CookieSameSite = TransportBoth, false, SameSiteLax
	changed.Schemes, changed.ExcludePaths = []string{"Bearer", "Token"}, []string{"/healthz", "/public/*"}
	changed.AccessTTL, changed.LoginThrottle, changed.DuplicateRegistration = Duration(10*time.Minute), ThrottleStore, DuplicateAccepted
	for _, o := range []Options{Defaults(), changed} {
		var back Options
		for _, opt := range OptionTable() {
			if err := opt.Set(&back, opt.Get(o)); err != nil {
				t.Errorf("%s: Set(Get) = %v", opt.Key, err)
			}
		}
		if back.String() != o.String() {
			t.Errorf("round trip:\n got %v\nwant %v", back, o)
		}
	}
}

// TestDetectStorage pre-selects the store whose driver go.mod requires, and
// none when it requires no driver or both.
func TestDetectStorage(t *testing.T) {
	for _, c := range []struct {
		requires []string
		want     string
	}{
		{nil, ""},
		{[]string{"github.com/go-chi/chi/v5"}, ""},
		{[]string{"github.com/jackc/pgx/v5"}, "postgres"},
		{[]string{"modernc.org/sqlite", "github.com/gin-gonic/gin"}, "sqlite"},
		{[]string{"modernc.org/sqlite", "github.com/jackc/pgx/v5"}, ""},
	} {
		target := Target{Requires: map[string]string{}}
		for _, m := range c.requires {
			target.Requires[m] = "v1.0.0"
		}
		if got := target.DetectStorage(); got != c.want {
			t.Errorf("requires %v: detected %q, want %q", c.requires, got, c.want)
		}
	}
}
