// Command authgen scaffolds JWT authentication into Go web services.
//
//	authgen new DIR       create a new service with auth
//	authgen init          add auth to the module in the current directory
//	authgen generate      regenerate from authgen.yaml (go:generate runs this)
//	authgen check         fail with a diff when generated files drifted
//	authgen version       print the generator, runtime and Go versions
//
// Every option is a flag and a key of authgen.yaml; on a terminal, init and
// new ask for the options that were not given.
package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// run is main without the process: tests call it through the re-executed
// test binary.
func run(args []string, stdin *os.File, stdout, stderr *os.File) int {
	app := newApp(stdin, stdout, stderr)
	err := app.Run(flagsFirst(app, args))
	if err == nil {
		return exitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, "authgen: "+msg)
		}
		return ec.ExitCode()
	}
	// urfave/cli's own parse errors (unknown flag, bad value) are usage errors.
	fmt.Fprintln(stderr, "authgen: "+err.Error())
	fmt.Fprintln(stderr, "run 'authgen --help' for usage")
	return exitUsage
}

// usageErr is a usage or configuration error: exit 2.
func usageErr(format string, a ...any) error {
	return cli.Exit(fmt.Sprintf(format, a...), exitUsage)
}

// failure is an error while doing the work: exit 1.
func failure(err error) error {
	return cli.Exit(err.Error(), exitFailure)
}

// flagsFirst moves a command's positional arguments after its flags, so that
// `authgen new ./svc --framework chi` works: urfave/cli v2 stops reading
// flags at the first positional argument.
func flagsFirst(app *cli.App, args []string) []string {
	// The command is the first argument that names one; global flags
	// (--quiet) may come before it.
	at := 1
	for at < len(args) && strings.HasPrefix(args[at], "-") {
		at++
	}
	if at >= len(args) {
		return args
	}
	cmd := app.Command(args[at])
	if cmd == nil {
		return args
	}
	isBool := map[string]bool{}
	for _, f := range cmd.Flags {
		if _, ok := f.(*cli.BoolFlag); ok {
			for _, n := range f.Names() {
				isBool[n] = true
			}
		}
	}
	var flags, positional []string
	rest := args[at+1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--":
			positional = append(positional, rest[i+1:]...)
			i = len(rest)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && !isBool[name] && i+1 < len(rest) {
				i++
				flags = append(flags, rest[i])
			}
		default:
			positional = append(positional, a)
		}
	}
	out := append(slices.Clone(args[:at+1]), flags...)
	if len(positional) > 0 {
		out = append(append(out, "--"), positional...)
	}
	return out
}
