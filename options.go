package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/authgen/authgen/generator"
)

// optionFlags are the flags of every option; each matches a key of
// authgen.yaml (with - for _).
func optionFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "framework", Usage: "router: " + strings.Join(generator.FrameworkNames(), ", ") + " (default: detected from go.mod, else nethttp)"},
		&cli.StringFlag{Name: "storage", Usage: "store: " + strings.Join(generator.StorageNames(), ", ") + " (default: sqlite)"},
		&cli.StringFlag{Name: "identity", Usage: "login field: " + strings.Join(generator.Identities, ", ") + " (default: email)"},
		&cli.StringFlag{Name: "alg", Usage: "signing algorithm: " + strings.Join(generator.Algorithms, ", ") + " (default: HS256)"},
		&cli.StringFlag{Name: "access-ttl", Usage: "access-token lifetime, e.g. 15m"},
		&cli.StringFlag{Name: "refresh-ttl", Usage: "refresh-token lifetime, e.g. 720h"},
		&cli.StringFlag{Name: "session-max-age", Usage: "absolute lifetime of a login session, however often it refreshes, e.g. 2160h"},
		&cli.StringFlag{Name: "transport", Usage: "where clients send tokens: " + strings.Join(generator.Transports, ", ") + " (default: header)"},
		&cli.StringFlag{Name: "header", Usage: "header that carries the access token (default: Authorization)"},
		&cli.StringSliceFlag{Name: "scheme", Usage: "accepted authorization scheme, repeatable (default: Bearer)"},
		&cli.BoolFlag{Name: "cookie-secure", Value: true, Usage: "Secure cookies with __Host-/__Secure- names; --cookie-secure=false only for plain-http development"},
		&cli.StringFlag{Name: "cookie-samesite", Usage: "SameSite of the cookies: " + strings.Join(generator.SameSites, ", ") + " (default: strict)"},
		&cli.StringSliceFlag{Name: "exclude-path", Usage: "path Require and Authenticate let through when mounted globally, repeatable: /healthz, /public/*"},
		&cli.StringFlag{Name: "issuer", Usage: "token issuer (default: the module path)"},
		&cli.StringFlag{Name: "audience", Usage: "token audience (default: api)"},
		&cli.StringFlag{Name: "prefix", Usage: "route prefix (default: /auth)"},
		&cli.StringFlag{Name: "pkg", Usage: "package directory in the module (default: internal/auth)"},
		&cli.StringFlag{Name: "password-hash", Usage: "password hashing: " + strings.Join(generator.PasswordHashes, ", ") + " (default: argon2id)"},
		&cli.StringFlag{Name: "login-throttle", Usage: "failed-login counts: " + strings.Join(generator.LoginThrottles, ", ") + " (default: instance)"},
		&cli.StringFlag{Name: "client-ip-header", Usage: "header a trusted proxy sets with the client address, e.g. X-Forwarded-For (default: none, the direct peer)"},
		&cli.StringFlag{Name: "duplicate-registration", Usage: "answer to registering an existing identity: " + strings.Join(generator.DuplicateRegistrations, ", ") + " (default: conflict)"},
	}
}

// applyFlags overrides opts with the flags that were set.
func applyFlags(c *cli.Context, opts generator.Options) (generator.Options, error) {
	str := map[string]*string{
		"framework": &opts.Framework, "storage": &opts.Storage, "identity": &opts.Identity,
		"alg": &opts.Algorithm, "header": &opts.Header, "issuer": &opts.Issuer,
		"audience": &opts.Audience, "prefix": &opts.Prefix, "pkg": &opts.Package,
		"password-hash": &opts.PasswordHash, "login-throttle": &opts.LoginThrottle, "client-ip-header": &opts.ClientIPHeader,
		"duplicate-registration": &opts.DuplicateRegistration,
		"transport":              &opts.Transport, "cookie-samesite": &opts.CookieSameSite,
	}
	for name, dst := range str {
		if c.IsSet(name) {
			*dst = c.String(name)
		}
	}
	for name, dst := range map[string]*generator.Duration{"access-ttl": &opts.AccessTTL, "refresh-ttl": &opts.RefreshTTL, "session-max-age": &opts.SessionMaxAge} {
		if !c.IsSet(name) {
			continue
		}
		d, err := generator.ParseDuration(c.String(name))
		if err != nil {
			return opts, usageErr("--%s: %v", name, err)
		}
		*dst = d
	}
	if c.IsSet("scheme") {
		opts.Schemes = c.StringSlice("scheme")
	}
	if c.IsSet("cookie-secure") {
		opts.CookieSecure = c.Bool("cookie-secure")
	}
	if c.IsSet("exclude-path") {
		opts.ExcludePaths = c.StringSlice("exclude-path")
	}
	return opts, nil
}

// optionArgs is opts as flags, for the equivalent non-interactive command.
func optionArgs(o generator.Options, t generator.Target) []string {
	args := []string{
		"--framework", o.Framework, "--storage", o.Storage, "--identity", o.Identity,
		"--alg", o.Algorithm, "--access-ttl", o.AccessTTL.String(), "--refresh-ttl", o.RefreshTTL.String(),
		"--transport", o.Transport, "--header", o.Header,
	}
	if o.SessionMaxAge != generator.Defaults().SessionMaxAge {
		args = append(args, "--session-max-age", o.SessionMaxAge.String())
	}
	for _, s := range o.Schemes {
		args = append(args, "--scheme", s)
	}
	args = append(args, "--issuer", o.Issuer, "--audience", o.Audience, "--prefix", o.Prefix, "--pkg", o.Package)
	if d := generator.Defaults(); o.PasswordHash != d.PasswordHash || o.LoginThrottle != d.LoginThrottle || o.DuplicateRegistration != d.DuplicateRegistration {
		args = append(args, "--password-hash", o.PasswordHash, "--login-throttle", o.LoginThrottle, "--duplicate-registration", o.DuplicateRegistration)
	}
	if o.ClientIPHeader != "" {
		args = append(args, "--client-ip-header", o.ClientIPHeader)
	}
	if d := generator.Defaults(); o.CookieSecure != d.CookieSecure || o.CookieSameSite != d.CookieSameSite {
		args = append(args, fmt.Sprintf("--cookie-secure=%t", o.CookieSecure), "--cookie-samesite", o.CookieSameSite)
	}
	for _, p := range o.ExcludePaths {
		args = append(args, "--exclude-path", p)
	}
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return args
}

// shellSafe is what a POSIX shell word may hold unquoted and mean itself.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes s for a POSIX shell: in single quotes nothing is
// special, and a single quote of its own is closed, escaped and reopened.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
