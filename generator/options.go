package generator

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Options is everything a user chooses. Its zero value is not valid: start
// from Defaults, then layer detection, authgen.yaml, flags and answers.
type Options struct {
	Framework  string    `yaml:"framework"`
	Storage    string    `yaml:"storage"`
	Identity   Identity  `yaml:"identity"`
	Algorithm  Algorithm `yaml:"algorithm"`
	AccessTTL  Duration  `yaml:"access_ttl"`
	RefreshTTL Duration  `yaml:"refresh_ttl"`
	// SessionMaxAge is the absolute lifetime of a login session: refreshing
	// never carries it past this, counted from the login.
	SessionMaxAge Duration `yaml:"session_max_age"`
	// RecentAuth is how recently a user must have proved who they are for a
	// sensitive action (a password change, ending the other sessions).
	RecentAuth Duration `yaml:"recent_auth"`
	// Transport is where clients send tokens: header, cookie or both.
	Transport Transport `yaml:"transport"`
	Header    string    `yaml:"header"`
	Schemes   []string  `yaml:"schemes,flow"`
	// CookieSecure marks the cookies Secure (HTTPS only) and gives them the
	// __Host-/__Secure- names; false is for plain-http local development.
	CookieSecure bool `yaml:"cookie_secure"`
	// CookieSameSite is strict, lax or none (which needs CookieSecure).
	CookieSameSite SameSite `yaml:"cookie_samesite"`
	Issuer         string   `yaml:"issuer"`
	Audience       string   `yaml:"audience"`
	Prefix         string   `yaml:"prefix"`
	Package        string   `yaml:"package"`
	// PasswordHash is argon2id (the default) or bcrypt, for services that
	// must use it.
	PasswordHash PasswordHash `yaml:"password_hash"`
	// LoginThrottle is where failed-login counts live: instance (this
	// process's memory), store (the store, shared by every instance) or off.
	LoginThrottle LoginThrottle `yaml:"login_throttle"`
	// ClientIPHeader names the header a trusted proxy sets with the client
	// address (X-Forwarded-For, X-Real-IP); empty means the direct peer.
	ClientIPHeader string `yaml:"client_ip_header"`
	// DuplicateRegistration is the answer to a registration of an identity
	// that exists: conflict (409, which tells the caller it exists) or
	// accepted (202 for every valid registration, the owner told out of band).
	DuplicateRegistration DuplicateRegistration `yaml:"duplicate_registration"`
	// SessionCheck is what an access token of a revoked session gets: strict
	// refuses it on every instance within the revocation bound; off accepts
	// it until it expires, as services before session_check did.
	SessionCheck SessionCheck `yaml:"session_check"`
	// APITokens gives users personal access tokens for their scripts, with
	// scopes, which RequireScope checks.
	APITokens bool `yaml:"api_tokens"`
	// MFA gives users a second factor: an authenticator app (TOTP) with
	// recovery codes, optional per user (totp) or for every user (required).
	MFA MFA `yaml:"mfa"`
	// EmailVerification is whether users prove they own their address: off,
	// optional (a link is mailed at registration) or required (no login
	// before the link is followed).
	EmailVerification EmailVerification `yaml:"email_verification"`
	// VerificationTTL is how long a verification link is good.
	VerificationTTL Duration `yaml:"verification_ttl"`
	// PasswordReset lets users who forgot their password set a new one
	// through a link mailed to their address.
	PasswordReset bool `yaml:"password_reset"`
	// ResetTTL is how long a password-reset link is good.
	ResetTTL Duration `yaml:"reset_ttl"`
	// ExcludePaths are paths that Require and Authenticate let through
	// untouched when mounted globally: exact paths, or prefixes ending in
	// "/*". The public auth routes are always excluded.
	ExcludePaths []string `yaml:"exclude_paths,flow"`
	// UserFields are the fields of the User that the owner declares, beside
	// the identity (see userfields.go).
	UserFields UserFields `yaml:"user_fields"`
}

// Defaults returns the options of DESIGN.md's matrix. Issuer is left empty:
// it defaults to the module path, which only detection knows.
func Defaults() Options {
	return Options{
		Framework:  "nethttp",
		Storage:    "sqlite",
		Identity:   "email",
		Algorithm:  "HS256",
		AccessTTL:  Duration(15 * time.Minute),
		RefreshTTL: Duration(720 * time.Hour),

		SessionMaxAge: Duration(2160 * time.Hour),
		RecentAuth:    Duration(10 * time.Minute),
		Transport:     "header",
		Header:        "Authorization",
		Schemes:       []string{"Bearer"},

		CookieSecure:   true,
		CookieSameSite: "strict",
		Audience:       "api",
		Prefix:         "/auth",
		Package:        "internal/auth",

		PasswordHash:          "argon2id",
		LoginThrottle:         "instance",
		DuplicateRegistration: "conflict",
		SessionCheck:          "strict",
		MFA:                   "off",
		EmailVerification:     "off",
		VerificationTTL:       Duration(48 * time.Hour),
		ResetTTL:              Duration(30 * time.Minute),
	}
}

var (
	headerName  = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
	schemeName  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._~+/-]{0,31}$`)
	prefixPath  = regexp.MustCompile(`^(/[a-z0-9][a-z0-9._-]*)+$`)
	excludePath = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)*/(\*)?$|^(/[A-Za-z0-9._~-]+)+$`)
	pkgDir      = regexp.MustCompile(`^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$`)
)

// Validate reports every problem of o at once, each as one line that says
// how to fix it: each option's own, then the rules between them.
func (o Options) Validate() error {
	var errs []error
	for _, opt := range optionTable {
		if err := opt.Check(o); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(append(errs, crossChecks(o)...)...)
}

// maxText bounds issuer and audience: they travel in every token.
const maxText = 256

// checkText checks a free-text option (issuer, audience), which reaches
// tokens, YAML, Markdown and .env files: valid UTF-8, printable (no control
// or line-breaking characters), no space at either end, at most maxText
// bytes.
func checkText(s string) error {
	switch {
	case !utf8.ValidString(s):
		return errors.New("is not valid UTF-8")
	case len(s) > maxText:
		return fmt.Errorf("is longer than %d bytes", maxText)
	case strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return errors.New("holds a control or non-printing character")
	case strings.TrimSpace(s) != s:
		return errors.New("starts or ends with a space")
	}
	return nil
}

// clip shortens a value for an error message: the start says which it was.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	cut := 64
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// ValidatePrefix checks a route prefix such as /auth.
func ValidatePrefix(prefix string) error {
	if !prefixPath.MatchString(prefix) {
		return fmt.Errorf("route prefix %q must look like /auth: lower case segments, leading slash, no trailing slash", prefix)
	}
	return nil
}

// ValidatePackageDir checks the package directory: relative, inside the module.
func ValidatePackageDir(dir string) error {
	if path.IsAbs(dir) || strings.HasPrefix(dir, "..") || path.Clean(dir) != dir || !pkgDir.MatchString(dir) {
		return fmt.Errorf("package dir %q must be a relative path inside the module, e.g. internal/auth", dir)
	}
	return nil
}

// Duration is a time.Duration written as "15m" in authgen.yaml.
type Duration time.Duration

func (d Duration) String() string {
	s := time.Duration(d).String()
	// time.Duration prints 15m0s; trim the zero units people never write.
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ParseDuration parses a Go duration and explains a bad one.
func ParseDuration(s string) (Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: write it like 15m, 1h30m or 720h", s)
	}
	return Duration(d), nil
}

// MarshalText implements encoding.TextMarshaler for YAML.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler for YAML.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	*d = v
	return err
}

// String prints the options for messages and comparisons.
func (o Options) String() string {
	type plain Options // without this method
	return fmt.Sprintf("%+v", plain(o))
}
