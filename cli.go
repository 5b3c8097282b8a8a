package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"unicode"

	"github.com/urfave/cli/v2"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/term"

	"github.com/authgen/authgen/generator"
)

// app holds the process's streams so that commands never reach for globals.
type app struct {
	stdin          *os.File
	stdout, stderr io.Writer
	prompter       Prompter
	// color is set when stdout is a terminal and NO_COLOR is not.
	color bool
}

func newApp(stdin *os.File, stdout, stderr io.Writer) *cli.App {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	a.prompter = newSurveyPrompter(stdin, stdout, stderr)
	dirFlag := &cli.StringFlag{Name: "dir", Value: ".", Usage: "directory inside the target module"}
	return &cli.App{
		Name:                 "authgen",
		Usage:                "scaffold JWT authentication into Go web services",
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		Before: func(c *cli.Context) error {
			if c.Bool("quiet") {
				a.stdout = io.Discard
			}
			f, ok := a.stdout.(*os.File)
			a.color = ok && term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == ""
			return nil
		},
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing but errors"},
		},
		ExitErrHandler: func(*cli.Context, error) {}, // run prints and exits
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErr("unknown command %s: see authgen --help", shellQuote(c.Args().First()))
			}
			return cli.ShowAppHelp(c)
		},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageErr("%v (see --help)", err)
		},
		Commands: []*cli.Command{
			{
				Name:      "new",
				Usage:     "create a new Go service with authentication",
				ArgsUsage: "DIR",
				Description: `Creates a module in DIR (empty, or holding only a fresh go.mod) with the auth
package, a runnable main.go, authgen.yaml and .env.example. On a terminal it
asks for the options the flags do not give.

Examples:
   authgen new ./svc
   authgen new ./svc --module example.com/svc --framework chi --storage postgres --yes`,
				Flags:  append(optionFlags(), &cli.StringFlag{Name: "module", Usage: "module path of the new service (default: DIR's name)"}, yesFlag, noTidyFlag, keysDirFlag),
				Action: a.newCmd,
			},
			{
				Name:  "init",
				Usage: "add authentication to the Go module in --dir",
				Description: `Inspects the module (go.mod, its router, the package directory), writes the
auth package and authgen.yaml, adds the requirements, and prints the lines that
mount the routes; --wire inserts them into main.go after the router and its
middleware.

Examples:
   authgen init
   authgen init --dir ./api --pkg internal/login --wire --yes`,
				Flags: append(optionFlags(), dirFlag, yesFlag, noTidyFlag, forceFlag, allowDropFlag, keysDirFlag,
					&cli.BoolFlag{Name: "wire", Usage: "insert the lines that mount the routes into --wire-file"},
					&cli.StringFlag{Name: "wire-file", Value: "main.go", Usage: "file, relative to --dir, whose router --wire mounts the routes on"},
				),
				Action: a.initCmd,
			},
			{
				Name:  "generate",
				Usage: "regenerate the auth package from authgen.yaml, without prompts",
				Description: `Renders the package from authgen.yaml and writes only the files whose bytes
changed. Refuses to overwrite a generated file edited by hand (--force
discards the edit) and removes generated files no longer produced. The
generated generate.go runs it: go generate ./...

Examples:
   go generate ./...
   authgen generate --diff`,
				Flags: []cli.Flag{dirFlag,
					&cli.BoolFlag{Name: "dry-run", Usage: "list what would change, write nothing"},
					&cli.BoolFlag{Name: "diff", Usage: "print the diff of what would change, write nothing"},
					forceFlag, allowDropFlag, noTidyFlag,
				},
				Action: a.generateCmd,
			},
			{
				Name:  "check",
				Usage: "exit 1 with a diff when generated files are stale, edited, missing or extra",
				Description: `For CI: exit 0 when every generated file matches authgen.yaml, 1 with a
unified diff when one does not, 2 when the configuration cannot be read.

Example:
   go tool authgen check`,
				Flags:  []cli.Flag{dirFlag},
				Action: a.checkCmd,
			},
			{
				Name:  "keys",
				Usage: "write a new key pair for RS256, ES256 or EdDSA and print its env lines",
				Description: `Writes DIR/<alg>-<digest>.key (PKCS #8, mode 0600) and .pub (PKIX) and prints
the environment line that points the service at the private key; progress goes
to stderr, so the output can be appended to an env file. Existing files are
never overwritten. To rotate, run it again, point AUTH_JWT_PRIVATE_KEY_FILE at
the new key and list the old .pub in AUTH_JWT_PUBLIC_KEY_FILES until the
access tokens it signed have expired.

Examples:
   authgen keys --alg ES256 --out keys
   authgen keys --alg EdDSA --out /run/secrets >> .env`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "alg", Usage: "RS256, ES256 or EdDSA"},
					&cli.StringFlag{Name: "out", Value: "keys", Usage: "directory for the key files (created 0700 if missing)"},
				},
				Action: a.keysCmd,
			},
			{
				Name:   "version",
				Usage:  "print the generator, runtime and Go versions",
				Action: a.versionCmd,
			},
			{
				Name:      "completion",
				Usage:     "print the shell completion script",
				ArgsUsage: "bash|zsh",
				Description: `Examples:
   source <(authgen completion bash)
   authgen completion zsh > "${fpath[1]}/_authgen"`,
				Action: a.completionCmd,
			},
		},
	}
}

var (
	yesFlag    = &cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "never prompt; take defaults for what flags do not give"}
	noTidyFlag = &cli.BoolFlag{Name: "no-tidy", Usage: "do not run go mod tidy after changing go.mod"}
	forceFlag  = &cli.BoolFlag{Name: "force", Usage: "overwrite generated files that were edited by hand"}
	// allowDropFlag consents to a migration that drops what an option no
	// longer needs.
	allowDropFlag = &cli.BoolFlag{Name: "allow-drop", Usage: "let an option change drop tables or columns, and their data, in a new migration"}
	// keysDirFlag writes a key pair for RS256, ES256 or EdDSA, as authgen keys does.
	keysDirFlag = &cli.StringFlag{Name: "keys-dir", Usage: "write a new key pair for RS256, ES256 or EdDSA into this directory of the module"}
)

// version returns authgen's module version and, for a build from a
// checkout, the checkout's directory.
func version() (string, string) {
	v := generator.DevelVersion
	if bi, ok := debug.ReadBuildInfo(); ok {
		v = bi.Main.Version
	}
	if semver.IsValid(v) && !module.IsPseudoVersion(v) && !strings.Contains(v, "+") {
		return v, ""
	}
	return generator.DevelVersion, sourceDir()
}

// sourceDir finds the checkout a devel build came from: AUTHGEN_SOURCE, or
// the directory this file was compiled from.
func sourceDir() string {
	if dir := os.Getenv("AUTHGEN_SOURCE"); dir != "" {
		abs, _ := filepath.Abs(dir)
		return abs
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	dir := filepath.Dir(file)
	if _, err := os.Stat(filepath.Join(dir, "runtime", "go.mod")); err != nil {
		return ""
	}
	return dir
}

func (a *app) versionCmd(*cli.Context) error {
	v, src := version()
	fmt.Fprintf(a.stdout, "authgen %s\n", v)
	fmt.Fprintf(a.stdout, "runtime %s %s\n", generator.RuntimeModule, v)
	if src != "" {
		fmt.Fprintf(a.stdout, "source  %s\n", src)
	}
	fmt.Fprintf(a.stdout, "go      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// interactive reports whether prompts may be shown.
func (a *app) interactive(c *cli.Context) bool {
	if c.Bool("yes") || os.Getenv("CI") != "" {
		return false
	}
	return term.IsTerminal(int(a.stdin.Fd()))
}

func (a *app) newCmd(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageErr("new needs exactly one DIR: authgen new ./svc")
	}
	dir, err := filepath.Abs(c.Args().First())
	if err != nil {
		return failure(err)
	}
	if !freshDir(dir) {
		return usageErr("%s is not empty: choose a new directory, or use `authgen init --dir %s` to add auth to an existing module", c.Args().First(), c.Args().First())
	}
	var target generator.Target
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		// A module just made with go mod init (and perhaps go get of a router).
		if target, err = generator.Detect(dir, generator.Defaults().Package); err != nil {
			return failure(err)
		}
		if mod := c.String("module"); c.IsSet("module") && mod != target.Module {
			return usageErr("--module %s, but %s/go.mod says module %s: leave --module out, or change go.mod", shellQuote(mod), c.Args().First(), shellQuote(target.Module))
		}
	} else {
		mod := c.String("module")
		if mod == "" {
			mod = filepath.Base(dir)
		}
		if err := module.CheckImportPath(mod); err != nil {
			return usageErr("module path %q is not valid: pass --module example.com/svc", mod)
		}
		target = generator.NewTarget(dir, mod, goVersion())
	}
	command := "new " + shellQuote(c.Args().First())
	if c.IsSet("module") {
		command += " --module " + shellQuote(c.String("module"))
	}
	return a.scaffold(c, target, true, command)
}

func (a *app) initCmd(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageErr("init takes no arguments (%s): give the module's directory with --dir", shellQuote(c.Args().First()))
	}
	pkg := c.String("pkg")
	if pkg == "" {
		pkg = generator.Defaults().Package
	}
	if err := generator.ValidatePackageDir(pkg); err != nil {
		return usageErr("%v", err)
	}
	target, err := packageTarget(c, c.String("dir"), pkg)
	if err != nil {
		return err
	}
	return a.scaffold(c, target, false, "init")
}

// packageTarget detects the module at or above dir for the package
// directory pkg, refusing (exit 2), unless --force, a directory that holds
// files authgen did not generate.
func packageTarget(c *cli.Context, dir, pkg string) (generator.Target, error) {
	target, err := generator.Detect(dir, pkg)
	switch {
	case errors.Is(err, generator.ErrNoModule):
		return target, usageErr("%v", err)
	case err != nil:
		return target, failure(err)
	case len(target.Existing) > 0 && !c.Bool("force") && !ownedByAuthgen(target):
		return target, usageErr("%s already exists and was not generated by authgen: choose another directory with --pkg, or pass --force", pkg)
	}
	return target, nil
}

// freshDir reports whether dir is missing, empty, or holds nothing but a new
// module's go.mod and go.sum.
func freshDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return true
	}
	for _, e := range entries {
		if e.Name() != "go.mod" && e.Name() != "go.sum" {
			return false
		}
	}
	return true
}

// ownedByAuthgen reports whether the target already has authgen's config,
// so that running init again is a regeneration, not a clobbering.
func ownedByAuthgen(t generator.Target) bool {
	_, err := os.Lstat(filepath.Join(t.Root, generator.ConfigFile))
	return err == nil
}

// scaffold is new and init after the target is known: options, prompts,
// generation, writing, go mod tidy and the summary.
func (a *app) scaffold(c *cli.Context, target generator.Target, newModule bool, command string) error {
	opts, base, err := a.resolveOptions(c, target, newModule)
	if err != nil {
		return err
	}
	if !newModule {
		// authgen.yaml or the interview may name another package directory.
		if target, err = packageTarget(c, target.Root, opts.Package); err != nil {
			return err
		}
	}
	keysDir, err := a.keysDir(c, target.Root, opts)
	if err != nil {
		return err
	}
	if !newModule && c.Bool("wire") {
		file, err := filepath.Abs(filepath.Join(c.String("dir"), c.String("wire-file")))
		if err != nil {
			return failure(err)
		}
		if err := generator.CheckWireFile(target.Root, file); err != nil {
			return failure(err)
		}
	}
	req, err := a.request(c, target, opts, newModule)
	if err != nil {
		return err
	}
	req.Config = !configSays(target, opts)
	files, err := generator.Generate(req)
	if err != nil {
		return usageErr("%v", err)
	}
	if keysDir != "" {
		kd := filepath.ToSlash(filepath.Clean(keysDir))
		for _, f := range files {
			if f.Path == kd || strings.HasPrefix(kd, f.Path+"/") {
				return usageErr("--keys-dir %s is a file authgen writes: choose another directory, e.g. keys", shellQuote(keysDir))
			}
		}
	}
	if err := a.write(c, req, files, generator.WriteOptions{Force: c.Bool("force")}); err != nil {
		return err
	}
	keyLine := ""
	if keysDir != "" {
		keyFile, err := a.writeKeyPair(filepath.Join(target.Root, keysDir), string(opts.Algorithm))
		if err != nil {
			return failure(err)
		}
		rel, _ := filepath.Rel(target.Root, keyFile)
		keyLine = "AUTH_JWT_PRIVATE_KEY_FILE=" + filepath.ToSlash(rel)
	}
	if !c.Bool("no-tidy") {
		if err := goModTidy(target.Root, a.stderr); err != nil {
			return err
		}
	}
	if !newModule {
		if err := a.wire(c, req); err != nil {
			return err
		}
	}
	args := append([]string{"authgen", command}, optionArgs(opts, base)...)
	args = append(args, commandArgs(c)...)
	if keysDir != "" {
		args = append(args, "--keys-dir", shellQuote(keysDir))
	}
	fmt.Fprintf(a.stdout, "\nauthgen: done. Equivalent command, without prompts:\n  %s --yes\n", strings.Join(args, " "))
	key := `export AUTH_JWT_SECRET="$(openssl rand -base64 48)"`
	switch {
	case keyLine != "":
		key = "export " + keyLine
		if !newModule {
			fmt.Fprintf(a.stdout, "\nThe service's key: %s\n", keyLine)
		}
	case generator.IsAsymmetric(opts.Algorithm):
		key = fmt.Sprintf("export $(go tool authgen keys --alg %s --out keys | grep -v '^#')", opts.Algorithm)
	}
	if newModule {
		fmt.Fprintf(a.stdout, "\nNext:\n  cd %s\n  %s\n  go run .\n", shellQuote(c.Args().First()), key)
	}
	return nil
}

// keysDir is where scaffold writes a key pair for an asymmetric algorithm:
// --keys-dir, or the answer to a question asked only for those algorithms;
// empty for none.
func (a *app) keysDir(c *cli.Context, root string, opts generator.Options) (string, error) {
	dir := c.String("keys-dir")
	switch {
	case !generator.IsAsymmetric(opts.Algorithm):
		if dir != "" {
			return "", usageErr("--keys-dir applies to RS256, ES256 and EdDSA; %s uses AUTH_JWT_SECRET", opts.Algorithm)
		}
		return "", nil
	case c.IsSet("keys-dir") || !a.interactive(c):
		return dir, checkKeysDir(root, dir)
	}
	answer, err := a.prompter.Input("Write a new "+string(opts.Algorithm)+" key pair into (empty: none):",
		"a directory in the module, e.g. keys; the private key is mode 0600 and .gitignore'd in new services", "keys",
		func(dir string) error { return checkKeysDir(root, dir) })
	if err != nil {
		return "", failure(err)
	}
	return answer, checkKeysDir(root, answer)
}

// checkKeysDir refuses a key directory outside the module or through a
// symbolic link, before anything is written.
func checkKeysDir(root, dir string) error {
	if dir == "" {
		return nil
	}
	if !filepath.IsLocal(dir) || strings.IndexFunc(dir, unicode.IsControl) >= 0 {
		return usageErr("--keys-dir %q must be a directory inside the module, without control characters, e.g. keys", dir)
	}
	if err := generator.CheckPath(root, filepath.ToSlash(filepath.Clean(dir))); err != nil {
		return failure(err)
	}
	return nil
}

// configSays reports whether target's authgen.yaml already holds opts, as
// generate reads it: init then leaves the owner's file as it is, comments
// and all, instead of writing it anew.
func configSays(target generator.Target, opts generator.Options) bool {
	data, err := generator.ReadFile(target.Root, generator.ConfigFile)
	if err != nil {
		return false
	}
	read, err := generator.ParseConfig(data, configBase(target))
	return err == nil && reflect.DeepEqual(read, opts)
}

// configBase is what generate and check take for a key authgen.yaml leaves
// out: the defaults, with the module path as issuer.
func configBase(target generator.Target) generator.Options {
	opts := generator.Defaults()
	opts.Issuer = target.Module
	return opts
}

// baseOptions are the options of target before authgen.yaml, flags and
// answers: configBase, with the router and the database driver that go.mod
// requires.
func baseOptions(target generator.Target) generator.Options {
	opts := configBase(target)
	if fw := target.DetectFramework(); fw != "" {
		opts.Framework = fw
	}
	if st := target.DetectStorage(); st != "" {
		opts.Storage = st
	}
	return opts
}

// resolveOptions layers defaults < detection < authgen.yaml < flags <
// answers. It also returns base, the options before flags and answers: what
// the equivalent command need not repeat. Flags are checked before the
// interview, which never asks them again.
func (a *app) resolveOptions(c *cli.Context, target generator.Target, newModule bool) (opts, base generator.Options, err error) {
	base = baseOptions(target)
	data, err := generator.ReadFile(target.Root, generator.ConfigFile)
	switch {
	case err == nil:
		if base, err = generator.ParseConfig(data, base); err != nil {
			return base, base, usageErr("%v", err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return base, base, failure(err)
	}
	if opts, err = applyFlags(c, base); err != nil {
		return opts, base, err
	}
	if err := opts.Validate(); err != nil {
		return opts, base, usageErr("%s", strings.ReplaceAll(err.Error(), "\n", "\nauthgen: "))
	}
	if !a.interactive(c) {
		return opts, base, nil
	}
	check := func(o generator.Options) error {
		if newModule || o.Package == opts.Package {
			return nil
		}
		_, err := packageTarget(c, target.Root, o.Package)
		return err
	}
	if opts, err = ask(a.prompter, c, opts, check); err != nil {
		return opts, base, failure(err)
	}
	if err := opts.Validate(); err != nil {
		return opts, base, usageErr("%s", strings.ReplaceAll(err.Error(), "\n", "\nauthgen: "))
	}
	return opts, base, nil
}

// request is the generator's input for target and opts, with the schema
// history that the target's authgen.sum records.
func (a *app) request(c *cli.Context, target generator.Target, opts generator.Options, newModule bool) (generator.Request, error) {
	v, src := version()
	req := generator.Request{Options: opts, Target: target, Version: v, Source: src, NewModule: newModule, AllowDrop: c.Bool("allow-drop")}
	history, err := generator.ReadHistory(target.Root, opts)
	if err != nil {
		return req, failure(err)
	}
	req.History = history
	return req, nil
}

// wire mounts the routes in an existing service (--wire), or prints the
// lines that do.
func (a *app) wire(c *cli.Context, req generator.Request) error {
	if c.Bool("wire") {
		file, err := filepath.Abs(filepath.Join(c.String("dir"), c.String("wire-file")))
		if err != nil {
			return failure(err)
		}
		router, src, err := generator.Wire(req, file)
		var why *generator.WireError
		switch {
		case errors.Is(err, generator.ErrWired):
			fmt.Fprintf(a.stdout, "wired     %s already imports the auth package; left as it is\n", c.String("wire-file"))
			return nil
		case errors.As(err, &why):
			fmt.Fprintf(a.stderr, "authgen: did not wire %s: %s\n", c.String("wire-file"), why.Reason)
		case err != nil:
			return failure(err)
		default:
			rel, _ := filepath.Rel(req.Target.Root, file)
			if err := generator.WriteFile(req.Target.Root, filepath.ToSlash(rel), src); err != nil {
				return failure(err)
			}
			fmt.Fprintf(a.stdout, "wired     %s: the routes are mounted on %s\n", filepath.ToSlash(rel), router)
			return nil
		}
	}
	code, imports := generator.Wiring(req, "router")
	fmt.Fprintf(a.stdout, "\nMount the routes where your router (here: router) is created, after its middleware:\n\n")
	for _, line := range strings.Split(strings.TrimRight(code, "\n"), "\n") {
		fmt.Fprintf(a.stdout, "\t%s\n", line)
	}
	fmt.Fprintf(a.stdout, "\nwith the imports %q; or run `authgen init --wire` to have it done.\n", imports)
	return nil
}

// generate runs the pure generator and writes its output.
func (a *app) generate(c *cli.Context, req generator.Request, wo generator.WriteOptions) error {
	files, err := generator.Generate(req)
	if err != nil {
		return usageErr("%v", err)
	}
	return a.write(c, req, files, wo)
}

// write writes the generator's files and reports what changed.
func (a *app) write(c *cli.Context, req generator.Request, files []generator.File, wo generator.WriteOptions) error {
	wo.Owned = generator.OwnedPaths(req.Options.Package)
	changes, err := generator.Write(req.Target.Root, files, wo)
	var edited *generator.EditedError
	if errors.As(err, &edited) {
		return cli.Exit(printable(edited.Error()), exitFailure)
	}
	if err != nil {
		return failure(err)
	}
	a.report(changes, c.Bool("diff"))
	return nil
}

// report prints one aligned line per file that changed, then the counts.
func (a *app) report(changes []generator.Change, diff bool) {
	counts := map[generator.Action]int{}
	for _, ch := range changes {
		counts[ch.Action]++
		if ch.Action == generator.Unchanged {
			continue
		}
		if diff && ch.Diff != "" {
			fmt.Fprint(a.stdout, printable(ch.Diff))
			continue
		}
		fmt.Fprintf(a.stdout, "%s %s\n", a.paint(ch.Action, fmt.Sprintf("%-9s", ch.Action)), printable(ch.Path))
	}
	if counts[generator.Unchanged] == len(changes) {
		return // a no-op run (go generate on every build) stays silent
	}
	var parts []string
	for _, act := range []generator.Action{generator.Created, generator.Updated, generator.Removed, generator.Kept, generator.Unchanged} {
		if n := counts[act]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, act))
		}
	}
	fmt.Fprintf(a.stdout, "authgen: %s\n", strings.Join(parts, ", "))
}

// paint colours s by action, on a terminal only.
func (a *app) paint(act generator.Action, s string) string {
	if !a.color {
		return s
	}
	code := map[generator.Action]string{generator.Created: "32", generator.Updated: "33", generator.Removed: "31", generator.Kept: "2"}[act]
	if code == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// loadProject finds the module and its authgen.yaml for generate and check.
func loadProject(c *cli.Context) (generator.Target, generator.Options, error) {
	root, err := generator.Detect(c.String("dir"), generator.Defaults().Package)
	if errors.Is(err, generator.ErrNoModule) {
		return root, generator.Options{}, usageErr("%v", err)
	}
	if err != nil {
		return root, generator.Options{}, failure(err)
	}
	data, err := generator.ReadFile(root.Root, generator.ConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return root, generator.Options{}, usageErr("no %s in %s: run `authgen init` first", generator.ConfigFile, root.Root)
	}
	if err != nil {
		return root, generator.Options{}, failure(err)
	}
	opts, err := generator.ParseConfig(data, configBase(root))
	if err != nil {
		return root, opts, usageErr("%v", err)
	}
	if err := opts.Validate(); err != nil {
		return root, opts, usageErr("%s: %s", generator.ConfigFile, strings.ReplaceAll(err.Error(), "\n", "\nauthgen: "))
	}
	return root, opts, nil
}

func (a *app) generateCmd(c *cli.Context) error {
	target, opts, err := loadProject(c)
	if err != nil {
		return err
	}
	before := target.GoMod
	wo := generator.WriteOptions{DryRun: c.Bool("dry-run") || c.Bool("diff"), Force: c.Bool("force")}
	req, err := a.request(c, target, opts, false)
	if err != nil {
		return err
	}
	if err := a.generate(c, req, wo); err != nil {
		return err
	}
	if wo.DryRun || c.Bool("no-tidy") {
		return nil
	}
	after, _ := generator.ReadFile(target.Root, "go.mod")
	if string(after) != string(before) {
		return goModTidy(target.Root, a.stderr)
	}
	return nil
}

func (a *app) checkCmd(c *cli.Context) error {
	target, opts, err := loadProject(c)
	if err != nil {
		return err
	}
	req, err := a.request(c, target, opts, false)
	if err != nil {
		return err
	}
	files, err := generator.Generate(req)
	var drop *generator.DropError
	if errors.As(err, &drop) { // the options are fine; the files are behind them
		return cli.Exit(printable(drop.Error()), exitFailure)
	}
	if err != nil {
		return usageErr("%v", err)
	}
	drift, err := generator.Check(target.Root, files, generator.OwnedPaths(opts.Package))
	if err != nil {
		return failure(err)
	}
	if len(drift) == 0 {
		fmt.Fprintln(a.stdout, "authgen: generated files are up to date")
		return nil
	}
	for _, d := range drift {
		fmt.Fprint(a.stdout, printable(d.Diff))
	}
	var names []string
	for _, d := range drift {
		names = append(names, d.Path+" ("+d.Kind+")")
	}
	return cli.Exit(printable(fmt.Sprintf("%d generated file(s) differ: %s\nrun `go generate ./...` (or `authgen generate`) and commit the result; move hand edits into files you own", len(drift), strings.Join(names, ", "))), exitFailure)
}

// goVersion is the go directive for a new module: the running toolchain's
// language version.
func goVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	if i := strings.IndexAny(v, " -"); i >= 0 {
		v = v[:i]
	}
	return v
}

// goModTidy fills go.sum for the requirements authgen added; its failure is
// the command's (exit 1).
func goModTidy(root string, stderr io.Writer) error {
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = root
	cmd.Stdout = stderr
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return failure(fmt.Errorf("go mod tidy in %s failed: %w (run it yourself to see why, or pass --no-tidy)", root, err))
	}
	return nil
}

// printable escapes the control characters of s but newlines and tabs, for
// output that shows files of the repository (diffs, paths): a hostile one
// must not drive the terminal that reads it (OSC titles, clipboard writes,
// clearing the screen).
func printable(s string) string {
	control := func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }
	if strings.IndexFunc(s, control) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if control(r) {
			fmt.Fprintf(&b, `\x%02x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
