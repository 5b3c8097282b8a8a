package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
	"github.com/urfave/cli/v2"

	"github.com/authgen/authgen/generator"
)

// Prompter asks questions. Every survey call lives behind it, so that a
// switch to another prompt library is this one file.
type Prompter interface {
	// Select asks for one of options, offering def.
	Select(question, help string, options []string, def string) (string, error)
	// Input asks for a line of text, offering def, until validate accepts it.
	Input(question, help, def string, validate func(string) error) (string, error)
}

// errAborted is returned when the user presses Ctrl-C at a prompt.
var errAborted = errors.New("aborted: nothing was written")

type surveyPrompter struct {
	stdio terminal.Stdio
}

func newSurveyPrompter(stdin *os.File, stdout, stderr io.Writer) *surveyPrompter {
	out, _ := stdout.(terminal.FileWriter)
	if out == nil {
		out = os.Stdout
	}
	return &surveyPrompter{stdio: terminal.Stdio{In: stdin, Out: out, Err: stderr}}
}

func (p *surveyPrompter) Select(question, help string, options []string, def string) (string, error) {
	var answer string
	err := survey.AskOne(&survey.Select{Message: question, Help: help, Options: options, Default: def}, &answer, survey.WithStdio(p.stdio.In, p.stdio.Out, p.stdio.Err))
	return answer, surveyErr(err)
}

func (p *surveyPrompter) Input(question, help, def string, validate func(string) error) (string, error) {
	var answer string
	v := func(ans any) error { return validate(strings.TrimSpace(ans.(string))) }
	err := survey.AskOne(&survey.Input{Message: question, Help: help, Default: def}, &answer,
		survey.WithStdio(p.stdio.In, p.stdio.Out, p.stdio.Err), survey.WithValidator(v))
	return strings.TrimSpace(answer), surveyErr(err)
}

func surveyErr(err error) error {
	if errors.Is(err, terminal.InterruptErr) {
		return errAborted
	}
	return err
}

// ask fills in, through p, every option the flags did not set.
func ask(p Prompter, c *cli.Context, o generator.Options) (generator.Options, error) {
	var err error
	selectOpt := func(flag, question, help string, options []string, dst *string) {
		if err != nil || c.IsSet(flag) {
			return
		}
		*dst, err = p.Select(question, help, options, *dst)
	}
	inputOpt := func(flag, question, help string, dst *string, validate func(string) error) {
		if err != nil || c.IsSet(flag) {
			return
		}
		*dst, err = p.Input(question, help, *dst, validate)
	}
	selectOpt("framework", "Router:", describe(generator.Frameworks()), generator.FrameworkNames(), &o.Framework)
	selectOpt("storage", "Storage:", describe(generator.Storages()), generator.StorageNames(), &o.Storage)
	selectOpt("identity", "Users log in with:", "email: unique address, validated; username: 3-32 letters, digits, . _ -", generator.Identities, &o.Identity)
	selectOpt("alg", "Signing algorithm:", "HS256/384/512: one secret shared by every instance; RS256, ES256, EdDSA: a key pair, public keys at /.well-known/jwks.json for other services", generator.Algorithms, &o.Algorithm)
	selectOpt("transport", "Clients send tokens in:", "header: Authorization header (APIs, mobile); cookie: HttpOnly cookies (browsers), with cross-origin request protection; both", generator.Transports, &o.Transport)
	if o.Transport != "header" {
		secure := fmt.Sprint(o.CookieSecure)
		selectOpt("cookie-secure", "Secure cookies (HTTPS only)?", "true in production; false only for plain-http local development", []string{"true", "false"}, &secure)
		o.CookieSecure = secure == "true"
		selectOpt("cookie-samesite", "Cookies' SameSite:", "strict: never sent from other sites; lax: also on top-level links from them; none: always (needs Secure)", generator.SameSites, &o.CookieSameSite)
	}
	durations := []struct {
		flag, question, help string
		dst                  *generator.Duration
	}{
		{"access-ttl", "Access-token lifetime:", "short: access tokens cannot be revoked before they expire (e.g. 15m)", &o.AccessTTL},
		{"refresh-ttl", "Refresh-token lifetime:", "how long a session lasts without a login (e.g. 720h = 30 days)", &o.RefreshTTL},
	}
	for _, d := range durations {
		s := d.dst.String()
		inputOpt(d.flag, d.question, d.help, &s, func(v string) error { _, e := generator.ParseDuration(v); return e })
		if err == nil && !c.IsSet(d.flag) {
			*d.dst, _ = generator.ParseDuration(s)
		}
	}
	if o.Transport != "cookie" { // a cookie-only service reads no header
		schemes := strings.Join(o.Schemes, ",")
		inputOpt("scheme", "Authorization schemes (comma-separated):", "clients send '"+o.Header+": <scheme> <token>', e.g. Bearer,Token", &schemes, nonEmpty)
		if err == nil && !c.IsSet("scheme") {
			o.Schemes = splitList(schemes)
		}
	}
	inputOpt("issuer", "Token issuer (iss):", "who issues the tokens; defaults to the module path", &o.Issuer, nonEmpty)
	inputOpt("audience", "Token audience (aud):", "who the tokens are for; verifiers require it", &o.Audience, nonEmpty)
	inputOpt("prefix", "Route prefix:", "where the endpoints live, e.g. /auth or /api/v1/auth", &o.Prefix, generator.ValidatePrefix)
	excluded := strings.Join(o.ExcludePaths, ",")
	inputOpt("exclude-path", "Paths a global Require lets through (comma-separated, may be empty):", "e.g. /healthz,/public/*; the open auth routes always pass", &excluded, validExcludes)
	if err == nil && !c.IsSet("exclude-path") {
		o.ExcludePaths = splitList(excluded)
	}
	inputOpt("pkg", "Package directory:", "where the generated package goes, relative to the module root", &o.Package, generator.ValidatePackageDir)
	return o, err
}

type described interface {
	Name() string
	Describe() string
}

func describe[T described](items []T) string {
	var lines []string
	for _, it := range items {
		lines = append(lines, fmt.Sprintf("%s: %s", it.Name(), it.Describe()))
	}
	return strings.Join(lines, "; ")
}

func nonEmpty(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("this cannot be empty")
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// validExcludes checks a comma-separated list of exclude paths.
func validExcludes(s string) error {
	o := generator.Defaults()
	o.Issuer, o.ExcludePaths = "x", splitList(s)
	return o.Validate()
}
