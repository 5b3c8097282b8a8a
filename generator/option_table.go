package generator

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The options that take one of a set of values, as types: a model predicate
// compares a constant, never a string typed twice.

// Identity is the login field.
type Identity string

// Algorithm signs access tokens.
type Algorithm string

// Transport is where clients send tokens.
type Transport string

// SameSite is the SameSite attribute of the cookies.
type SameSite string

// PasswordHash is the password hashing scheme.
type PasswordHash string

// LoginThrottle is where failed-login counts live.
type LoginThrottle string

// DuplicateRegistration is the answer to registering an identity that exists.
type DuplicateRegistration string

// SessionCheck is whether access tokens die with their session.
type SessionCheck string

// MFA is whether users have a second factor: off, totp (each user may turn
// it on) or required (every user must).
type MFA string

// EmailVerification is whether users prove they own their address: off,
// optional or required (before any login).
type EmailVerification string

// The values of the typed options.
const (
	IdentityEmail    Identity = "email"
	IdentityUsername Identity = "username"

	TransportHeader Transport = "header"
	TransportCookie Transport = "cookie"
	TransportBoth   Transport = "both"

	SameSiteStrict SameSite = "strict"
	SameSiteLax    SameSite = "lax"
	SameSiteNone   SameSite = "none"

	HashArgon2id PasswordHash = "argon2id"
	HashBcrypt   PasswordHash = "bcrypt"

	ThrottleInstance LoginThrottle = "instance"
	ThrottleStore    LoginThrottle = "store"
	ThrottleOff      LoginThrottle = "off"

	DuplicateConflict DuplicateRegistration = "conflict"
	DuplicateAccepted DuplicateRegistration = "accepted"

	SessionCheckStrict SessionCheck = "strict"
	SessionCheckOff    SessionCheck = "off"

	MFAOff      MFA = "off"
	MFATOTP     MFA = "totp"
	MFARequired MFA = "required"

	VerificationOff      EmailVerification = "off"
	VerificationOptional EmailVerification = "optional"
	VerificationRequired EmailVerification = "required"
)

// Values lists the accepted values of the typed options.
var (
	Identities             = []Identity{IdentityEmail, IdentityUsername}
	Algorithms             = []Algorithm{"HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA"}
	Transports             = []Transport{TransportHeader, TransportCookie, TransportBoth}
	SameSites              = []SameSite{SameSiteStrict, SameSiteLax, SameSiteNone}
	PasswordHashes         = []PasswordHash{HashArgon2id, HashBcrypt}
	LoginThrottles         = []LoginThrottle{ThrottleInstance, ThrottleStore, ThrottleOff}
	DuplicateRegistrations = []DuplicateRegistration{DuplicateConflict, DuplicateAccepted}
	SessionChecks          = []SessionCheck{SessionCheckStrict, SessionCheckOff}
	MFAs                   = []MFA{MFAOff, MFATOTP, MFARequired}
	EmailVerifications     = []EmailVerification{VerificationOff, VerificationOptional, VerificationRequired}
)

// Group is a part of the interview (see ask in the CLI): where the service
// lives, asked first; then one list of features (the options with a Pick);
// then, only when the user asks for them, the adjustments.
type Group int

const (
	// Adjust options are asked only when the user opens the adjustments.
	Adjust Group = iota
	// Where options (router, storage) are asked first, every time.
	Where
)

// Pick is a value of an option that the interview offers as a feature:
// choosing it sets the option to Value; leaving it unchosen sets an option
// that held Value back to its default, and leaves any other value alone.
type Pick struct {
	Label string // the feature, a few words
	Help  string // its one-line trade-off, shown under "?"
	Value string
	// If, when set, offers the feature only when the earlier answers make
	// it matter.
	If func(Options) bool
}

// Kind is the shape of an option's value.
type Kind int

const (
	// Text is a free string.
	Text Kind = iota
	// Choice is one of Option.Choices.
	Choice
	// Lifetime is a Go duration such as 15m.
	Lifetime
	// Switch is true or false.
	Switch
	// List is zero or more strings: a repeatable flag, a YAML flow list, a
	// comma-separated answer.
	List
)

// Option is one choice a user makes, declared once: its authgen.yaml key,
// its flag, its prompt, its own validation and its line in the README all
// come from here. Values travel as text (a list as several), the form that
// flags, prompts and the equivalent command share.
type Option struct {
	Key  string // key of authgen.yaml
	Flag string // flag of new and init
	Kind Kind
	// Choices lists a Choice's accepted values.
	Choices func() []string
	// Usage says what the option is, for the flag's help.
	Usage string
	// Values and Default are the README's columns (Markdown).
	Values, Default string
	// Question and Help are the prompt; no Question means never asked.
	Question, Help string
	// AskIf, when set, asks only when the earlier answers make the option
	// matter.
	AskIf func(Options) bool
	// Group is where the interview asks the option.
	Group Group
	// Pick, when set, offers one value of the option as an item of the
	// interview's feature list.
	Pick *Pick
	// helpFrom computes Help from a registry (routers, stores).
	helpFrom func() string
	get      func(Options) []string
	set      func(*Options, []string) error
	check    func(Options) error
}

// PromptHelp is the help shown at the option's prompt.
func (opt Option) PromptHelp() string {
	if opt.helpFrom != nil {
		return opt.helpFrom()
	}
	return opt.Help
}

// Get returns o's value of the option as text.
func (opt Option) Get(o Options) []string { return opt.get(o) }

// Set parses text into o, or explains what is wrong with it.
func (opt Option) Set(o *Options, v []string) error { return opt.set(o, v) }

// Check validates the option's own value in o.
func (opt Option) Check(o Options) error {
	if opt.check == nil {
		return nil
	}
	return opt.check(o)
}

// OptionTable lists every option in the order they are asked and printed.
func OptionTable() []Option { return optionTable }

var optionTable = []Option{
	choice("framework", "framework", "router", FrameworkNames, func(o *Options) *string { return &o.Framework }).
		docs("`nethttp`, `chi`, `echo` (v4 where go.mod requires it, else v5), `gin`", "detected from go.mod, else `nethttp`").
		ask("Router:", "").describedBy(func() string { return describe(Frameworks()) }).where(),
	choice("storage", "storage", "store", StorageNames, func(o *Options) *string { return &o.Storage }).
		docs("`memory`, `sqlite` (modernc.org/sqlite, no cgo), `postgres` (pgx/v5 pool, `AUTH_DATABASE_URL`)", "detected from go.mod (pgx: `postgres`, modernc.org/sqlite: `sqlite`), else `sqlite`").
		ask("Storage:", "").describedBy(func() string { return describe(Storages()) }).where(),
	choice("identity", "identity", "login field", names(Identities), func(o *Options) *Identity { return &o.Identity }).
		ask("Users log in with:", "email: unique address, validated; username: 3-32 letters, digits, . _ -"),
	choice("algorithm", "alg", "signing algorithm", names(Algorithms), func(o *Options) *Algorithm { return &o.Algorithm }).
		docs("`HS256`, `HS384`, `HS512` (secret in `AUTH_JWT_SECRET`); `RS256`, `ES256`, `EdDSA` (PEM key pair, public keys at `/.well-known/jwks.json`)", "`HS256`").
		ask("Signing algorithm:", "HS256/384/512: one secret shared by every instance; RS256, ES256, EdDSA: a key pair, public keys at /.well-known/jwks.json for other services").
		checked(func(o Options) error {
			if !slices.Contains(Algorithms, o.Algorithm) {
				return fmt.Errorf("unsupported algorithm %q: use one of %s", o.Algorithm, strings.Join(names(Algorithms)(), ", "))
			}
			return nil
		}),
	choice("transport", "transport", "where clients send tokens", names(Transports), func(o *Options) *Transport { return &o.Transport }).
		docs("`header`, `cookie` (HttpOnly cookies, cross-origin check), `both`", "`header`").
		ask("Clients send tokens in:", "header: Authorization header (APIs, mobile); cookie: HttpOnly cookies (browsers), with cross-origin request protection; both").
		offer(string(TransportBoth), "Browser sessions in cookies",
			"tokens also travel in HttpOnly cookies, with cross-origin request checks, beside the Authorization header (transport: both)"),
	toggle("cookie_secure", "cookie-secure", "Secure cookies with __Host-/__Secure- names; --cookie-secure=false only for plain-http development", func(o *Options) *bool { return &o.CookieSecure }).
		docs("`true`; `false` only for plain-http development", "`true`").
		ask("Secure cookies (HTTPS only)?", "true in production; false only for plain-http local development").
		askIf(Options.UsesCookies),
	choice("cookie_samesite", "cookie-samesite", "SameSite of the cookies", names(SameSites), func(o *Options) *SameSite { return &o.CookieSameSite }).
		ask("Cookies' SameSite:", "strict: never sent from other sites; lax: also on top-level links from them; none: always (needs Secure)").askIf(Options.UsesCookies),
	lifetime("access_ttl", "access-ttl", "access-token lifetime, e.g. 15m", func(o *Options) *Duration { return &o.AccessTTL }).
		docs("Go duration, 1m–24h", "`15m`").
		ask("Access-token lifetime:", "short: access tokens cannot be revoked before they expire (e.g. 15m)"),
	lifetime("refresh_ttl", "refresh-ttl", "refresh-token lifetime, e.g. 720h", func(o *Options) *Duration { return &o.RefreshTTL }).
		docs("Go duration, longer than the access TTL", "`720h`").
		ask("Refresh-token lifetime:", "how long a session lasts without a login (e.g. 720h = 30 days)"),
	lifetime("session_max_age", "session-max-age", "absolute lifetime of a login session, however often it refreshes, e.g. 2160h", func(o *Options) *Duration { return &o.SessionMaxAge }).
		docs("Go duration, at least the refresh TTL: a session's absolute lifetime", "`2160h`").
		ask("Longest session:", "a login ends after this however often it refreshes (e.g. 2160h = 90 days)"),
	lifetime("recent_auth", "recent-auth", "how recently a user must have proved who they are for a sensitive action, e.g. 10m", func(o *Options) *Duration { return &o.RecentAuth }).
		docs("Go duration, 1m–24h: how recently a password change or ending the other sessions needs a password proved; `0`: not at all (services from before the option)", "`10m`").
		ask("Recent authentication for sensitive actions:", "a password change or ending the other sessions needs a password proved this recently (e.g. 10m)"),
	text("header", "header", "header that carries the access token", func(o *Options) *string { return &o.Header }).
		docs("header name", "`Authorization`").
		ask("Header that carries the access token:", "Authorization unless a gateway in front uses it, e.g. X-Auth-Token").
		askIf(Options.UsesHeader).
		checked(func(o Options) error {
			if !headerName.MatchString(o.Header) {
				return fmt.Errorf("header %q is not a valid header name: e.g. --header Authorization", o.Header)
			}
			return nil
		}),
	list("schemes", "scheme", "accepted authorization scheme, repeatable", func(o *Options) *[]string { return &o.Schemes }).
		docs("authorization schemes", "`[Bearer]`").
		ask("Authorization schemes (comma-separated):", "clients send '<header>: <scheme> <token>' (Authorization unless --header says otherwise), e.g. Bearer,Token").
		askIf(Options.UsesHeader). // a cookie-only service reads no header
		checked(func(o Options) error {
			if len(o.Schemes) == 0 {
				return errors.New("no header scheme: give at least one, e.g. --scheme Bearer")
			}
			var errs []error
			for _, s := range o.Schemes {
				if !schemeName.MatchString(s) {
					errs = append(errs, fmt.Errorf("scheme %q is not a valid authorization scheme: e.g. --scheme Bearer", s))
				}
			}
			return errors.Join(errs...)
		}),
	text("issuer", "issuer", "token issuer", func(o *Options) *string { return &o.Issuer }).
		docs("token `iss`", "the module path").
		ask("Token issuer (iss):", "who issues the tokens; defaults to the module path").
		checked(textCheck("issuer", func(o Options) string { return o.Issuer }, "https://api.example.com")),
	text("audience", "audience", "token audience", func(o *Options) *string { return &o.Audience }).
		docs("token `aud`", "`api`").
		ask("Token audience (aud):", "who the tokens are for; verifiers require it").
		checked(textCheck("audience", func(o Options) string { return o.Audience }, "api")),
	text("prefix", "prefix", "route prefix", func(o *Options) *string { return &o.Prefix }).
		docs("route prefix", "`/auth`").
		ask("Route prefix:", "where the endpoints live, e.g. /auth or /api/v1/auth").
		checked(func(o Options) error { return ValidatePrefix(o.Prefix) }),
	list("exclude_paths", "exclude-path", "path Require and Authenticate let through when mounted globally, repeatable: /healthz, /public/*", func(o *Options) *[]string { return &o.ExcludePaths }).
		docs("paths a global `Require`/`Authenticate` lets through: `/healthz`, `/public/*`", "none").
		ask("Paths a global Require lets through (comma-separated, may be empty):", "e.g. /healthz,/public/*; the open auth routes always pass").
		checked(func(o Options) error {
			var errs []error
			for _, p := range o.ExcludePaths {
				if !excludePath.MatchString(p) {
					errs = append(errs, fmt.Errorf("exclude path %q must be a path such as /healthz, or a prefix such as /public/*", p))
				}
			}
			return errors.Join(errs...)
		}),
	text("package", "pkg", "package directory in the module", func(o *Options) *string { return &o.Package }).
		docs("package directory", "`internal/auth`").
		ask("Package directory:", "where the generated package goes, relative to the module root").
		checked(func(o Options) error { return ValidatePackageDir(o.Package) }),
	choice("password_hash", "password-hash", "password hashing", names(PasswordHashes), func(o *Options) *PasswordHash { return &o.PasswordHash }).
		ask("Password hashing:", "argon2id: memory-hard, the OWASP first choice; bcrypt: for hashes imported from elsewhere"),
	choice("login_throttle", "login-throttle", "failed-login counts", names(LoginThrottles), func(o *Options) *LoginThrottle { return &o.LoginThrottle }).
		ask("Failed logins are counted:", "instance: in each instance's memory; store: in the database, shared by every instance; off: not at all (a proxy throttles)").
		offer(string(ThrottleStore), "Login throttle shared by every instance",
			"failed logins are counted in the database, so that instances behind a load balancer share them: one write per failed login (login_throttle: store)").
		offerIf(Options.Durable),
	text("client_ip_header", "client-ip-header", "header a trusted proxy sets with the client address, e.g. X-Forwarded-For", func(o *Options) *string { return &o.ClientIPHeader }).
		docs("header a trusted proxy sets", "none").
		ask("Header a trusted proxy sets with the client's address (empty: none):", "e.g. X-Forwarded-For, only behind a proxy that overwrites it; empty throttles by the direct peer").
		checked(func(o Options) error {
			if o.ClientIPHeader != "" && !headerName.MatchString(o.ClientIPHeader) {
				return fmt.Errorf("client_ip_header %q is not a valid header name: e.g. --client-ip-header X-Forwarded-For, or empty for the direct peer", o.ClientIPHeader)
			}
			return nil
		}),
	choice("duplicate_registration", "duplicate-registration", "answer to registering an existing identity", names(DuplicateRegistrations), func(o *Options) *DuplicateRegistration { return &o.DuplicateRegistration }).
		docs("`conflict` (409), `accepted` (202 for all)", "`conflict`").
		ask("Registering an existing identity answers:", "conflict: 409, the client can say so; accepted: 202 as for a new one, so sign-up tells no one who has an account").
		offer(string(DuplicateAccepted), "Sign-up that tells no one who has an account",
			"registering an existing identity answers 202 as a new one does, and the owner is told through a hook; clients cannot say \"already registered\" (duplicate_registration: accepted)"),
	choice("session_check", "session-check", "what an access token of a revoked session gets", names(SessionChecks), func(o *Options) *SessionCheck { return &o.SessionCheck }).
		docs("`strict` (refused within 2 s), `off` (valid until it expires)", "`strict`").
		ask("Access tokens of a revoked session are:", "strict: refused at once here and within 2 s on every other instance; off: accepted until they expire (no background polling)"),
	toggle("api_tokens", "api-tokens", "personal access tokens for scripts, with scopes (RequireScope)", func(o *Options) *bool { return &o.APITokens }).
		docs("`true`: users make scoped tokens for scripts at `{prefix}/tokens`", "`false`").
		ask("Personal access tokens for scripts?", "users make named, scoped, expiring tokens that scripts send in the header; RequireScope guards routes by scope").
		askIf(Options.UsesHeader).
		offer("true", "Personal access tokens for scripts",
			"users make named, scoped, expiring tokens for scripts at {prefix}/tokens, and RequireScope guards routes by scope (api_tokens)").
		offerIf(Options.UsesHeader),
	choice("mfa", "mfa", "a second factor: off, totp (each user may turn it on) or required (every user must)", names(MFAs), func(o *Options) *MFA { return &o.MFA }).
		docs("`off`, `totp` (users may add an authenticator app, with recovery codes), `required` (every user must before anything else)", "`off`").
		ask("Second factor (TOTP authenticator apps):", "totp: each user may turn it on, and logins then ask for a code; required: every user must enrol before using the service; off: passwords alone").
		offer(string(MFATOTP), "Second factor: authenticator apps (TOTP) with recovery codes",
			"users may add an authenticator app; their logins then answer mfa_required and finish with a code at {prefix}/mfa/verify (mfa: totp; AUTH_ENCRYPTION_KEY seals the secrets)"),
	choice("email_verification", "email-verification", "whether users prove they own their address: off, optional or required (no login before)", names(EmailVerifications), func(o *Options) *EmailVerification { return &o.EmailVerification }).
		docs("`off`, `optional` (a link is mailed at registration), `required` (login answers 403 `email_unverified` until the link is followed); needs a mailer (`AUTH_SMTP_URL` or `AUTH_MAIL_DIR`)", "`off`").
		ask("Email verification:", "optional: a link is mailed at registration; required: no login before it is followed; off: addresses are taken on trust").
		askIf(Options.UsesEmail).
		offer(string(VerificationOptional), "Email verification by a mailed link",
			"a link is mailed at registration and {prefix}/verify-email marks the address verified; email_verification: required also refuses logins before it (needs an SMTP server)").
		offerIf(Options.UsesEmail),
	lifetime("verification_ttl", "verification-ttl", "how long a verification link is good, e.g. 48h", func(o *Options) *Duration { return &o.VerificationTTL }).
		docs("Go duration, 1h–720h", "`48h`").
		ask("Verification links are good for:", "e.g. 48h; a user can ask for a new one").
		askIf(Options.VerifiesEmail),
	toggle("password_reset", "password-reset", "\"forgot password\": a link mailed to the user's address sets a new password", func(o *Options) *bool { return &o.PasswordReset }).
		docs("`true`: `{prefix}/password-reset` mails a link that sets a new password and ends every session; needs a mailer", "`false`").
		ask("Password reset by mail?", "a link mailed to the address sets a new password and ends every session (needs an SMTP server)").
		askIf(Options.UsesEmail).
		offer("true", "Password reset by mail (\"forgot password\")",
			"{prefix}/password-reset mails a link, and {prefix}/password-reset/confirm sets a new password with it and ends every session (password_reset; needs an SMTP server)").
		offerIf(Options.UsesEmail),
	lifetime("reset_ttl", "reset-ttl", "how long a password-reset link is good, e.g. 30m", func(o *Options) *Duration { return &o.ResetTTL }).
		docs("Go duration, 5m–24h", "`30m`").
		ask("Password-reset links are good for:", "short: whoever reads the mail can take the account (e.g. 30m)").
		askIf(func(o Options) bool { return o.PasswordReset }),
	userFieldsOption(),
}

func choice[T ~string](key, flag, usage string, choices func() []string, at func(*Options) *T) Option {
	return Option{
		Key: key, Flag: flag, Kind: Choice, Choices: choices, Usage: usage,
		get: func(o Options) []string { return []string{string(*at(&o))} },
		set: func(o *Options, v []string) error { *at(o) = T(one(v)); return nil },
		check: func(o Options) error {
			if v := string(*at(&o)); !slices.Contains(choices(), v) {
				return fmt.Errorf("unknown %s %q: use one of %s", key, v, strings.Join(choices(), ", "))
			}
			return nil
		},
	}
}

func toggle(key, flag, usage string, at func(*Options) *bool) Option {
	return Option{
		Key: key, Flag: flag, Kind: Switch, Usage: usage,
		get: func(o Options) []string { return []string{strconv.FormatBool(*at(&o))} },
		set: func(o *Options, v []string) error {
			b, err := strconv.ParseBool(one(v))
			if err != nil {
				return fmt.Errorf("%q is not true or false", one(v))
			}
			*at(o) = b
			return nil
		},
	}
}

func text(key, flag, usage string, at func(*Options) *string) Option {
	return Option{
		Key: key, Flag: flag, Kind: Text, Usage: usage,
		get: func(o Options) []string { return []string{*at(&o)} },
		set: func(o *Options, v []string) error { *at(o) = one(v); return nil },
	}
}

func list(key, flag, usage string, at func(*Options) *[]string) Option {
	return Option{
		Key: key, Flag: flag, Kind: List, Usage: usage,
		get: func(o Options) []string { return slices.Clone(*at(&o)) },
		set: func(o *Options, v []string) error { *at(o) = slices.Clone(v); return nil },
	}
}

func lifetime(key, flag, usage string, at func(*Options) *Duration) Option {
	return Option{
		Key: key, Flag: flag, Kind: Lifetime, Usage: usage,
		get: func(o Options) []string { return []string{at(&o).String()} },
		set: func(o *Options, v []string) error {
			d, err := ParseDuration(one(v))
			if err == nil {
				*at(o) = d
			}
			return err
		},
	}
}

func (opt Option) docs(values, def string) Option {
	opt.Values, opt.Default = values, def
	return opt
}

func (opt Option) ask(question, help string) Option {
	opt.Question, opt.Help = question, help
	return opt
}

func (opt Option) describedBy(help func() string) Option { opt.helpFrom = help; return opt }

func (opt Option) askIf(when func(Options) bool) Option { opt.AskIf = when; return opt }

// offerIf offers the option's Pick only when the earlier answers make it
// matter.
func (opt Option) offerIf(when func(Options) bool) Option { opt.Pick.If = when; return opt }

func (opt Option) checked(check func(Options) error) Option { opt.check = check; return opt }

func (opt Option) where() Option { opt.Group = Where; return opt }

// offer lists value of the option in the interview's features.
func (opt Option) offer(value, label, help string) Option {
	opt.Pick = &Pick{Label: label, Help: help, Value: value}
	return opt
}

// textCheck checks a free-text option that must not be empty.
func textCheck(key string, value func(Options) string, example string) func(Options) error {
	return func(o Options) error {
		v := value(o)
		if v == "" {
			return fmt.Errorf("%s must not be empty: e.g. --%s %s", key, key, example)
		}
		if err := checkText(v); err != nil {
			return fmt.Errorf("%s %q %v: e.g. --%s %s", key, clip(v), err, key, example)
		}
		return nil
	}
}

// one is the single value of a scalar option.
func one(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// describe is the help of a registry's choice: each name and what it is.
func describe[T interface {
	Name() string
	Describe() string
}](items []T) string {
	var lines []string
	for _, it := range items {
		lines = append(lines, it.Name()+": "+it.Describe())
	}
	return strings.Join(lines, "; ")
}

// names lists typed values as strings.
func names[T ~string](values []T) func() []string {
	return func() []string {
		out := make([]string, len(values))
		for i, v := range values {
			out[i] = string(v)
		}
		return out
	}
}

// crossChecks are the rules between options, after each option's own.
func crossChecks(o Options) []error {
	var errs []error
	switch {
	case o.AccessTTL < Duration(time.Minute) || o.AccessTTL > Duration(24*time.Hour):
		errs = append(errs, fmt.Errorf("access TTL %s is out of range: use a duration from 1m to 24h, e.g. 15m", o.AccessTTL))
	case o.RefreshTTL <= o.AccessTTL:
		errs = append(errs, fmt.Errorf("refresh TTL %s must be longer than the access TTL %s: e.g. --refresh-ttl 720h", o.RefreshTTL, o.AccessTTL))
	case o.RefreshTTL > Duration(8760*time.Hour):
		errs = append(errs, fmt.Errorf("refresh TTL %s is over a year: use at most 8760h", o.RefreshTTL))
	case o.SessionMaxAge < o.RefreshTTL:
		errs = append(errs, fmt.Errorf("session max age %s is shorter than the refresh TTL %s: use at least the refresh TTL, e.g. --session-max-age 2160h", o.SessionMaxAge, o.RefreshTTL))
	case o.SessionMaxAge > Duration(2*8760*time.Hour):
		errs = append(errs, fmt.Errorf("session max age %s is over two years: use at most 17520h", o.SessionMaxAge))
	}
	if o.RecentAuth != 0 && (o.RecentAuth < Duration(time.Minute) || o.RecentAuth > Duration(24*time.Hour)) {
		errs = append(errs, fmt.Errorf("recent auth %s is out of range: use a duration from 1m to 24h, e.g. 10m, or 0 for none", o.RecentAuth))
	}
	if o.UsesMFA() && o.RecentAuth == 0 {
		errs = append(errs, errors.New("mfa needs recent_auth: turning a second factor on or off needs a recent proof of identity, so set recent_auth (e.g. 10m) or mfa: off"))
	}
	if o.UsesMFA() && !o.Throttled() {
		errs = append(errs, errors.New("mfa needs login_throttle: wrong codes are throttled like wrong passwords, so set login_throttle to instance or store, or mfa: off"))
	}
	if o.SendsMail() && !o.UsesEmail() {
		errs = append(errs, errors.New("email_verification and password_reset need identity email: the links go to the address users log in with, so set identity: email or turn them off"))
	}
	if o.SendsMail() && !o.Throttled() {
		errs = append(errs, errors.New("email_verification and password_reset need login_throttle: mail requests and link tokens are throttled like passwords, so set login_throttle to instance or store, or turn them off"))
	}
	if o.VerificationTTL < Duration(time.Hour) || o.VerificationTTL > Duration(720*time.Hour) {
		errs = append(errs, fmt.Errorf("verification TTL %s is out of range: use a duration from 1h to 720h, e.g. 48h", o.VerificationTTL))
	}
	if o.ResetTTL < Duration(5*time.Minute) || o.ResetTTL > Duration(24*time.Hour) {
		errs = append(errs, fmt.Errorf("reset TTL %s is out of range: use a duration from 5m to 24h, e.g. 30m", o.ResetTTL))
	}
	if o.APITokens && o.CookieOnly() {
		errs = append(errs, errors.New("api_tokens needs the header transport: scripts send their tokens in a header, so use --transport both, or turn api_tokens off"))
	}
	if o.CookieSameSite == SameSiteNone && !o.CookieSecure {
		errs = append(errs, errors.New("cookie_samesite none needs cookie_secure: browsers refuse SameSite=None cookies that are not Secure"))
	}
	return errs
}
