package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/authgen/authgen/generator"
)

// optionFlags are the flags of every option in generator.OptionTable; each
// matches a key of authgen.yaml.
func optionFlags() []cli.Flag {
	var flags []cli.Flag
	for _, opt := range generator.OptionTable() {
		switch opt.Kind {
		case generator.Switch:
			flags = append(flags, &cli.BoolFlag{Name: opt.Flag, Value: opt.Get(generator.Defaults())[0] == "true", Usage: opt.Usage})
		case generator.List:
			flags = append(flags, &cli.StringSliceFlag{Name: opt.Flag, Usage: flagUsage(opt)})
		default:
			flags = append(flags, &cli.StringFlag{Name: opt.Flag, Usage: flagUsage(opt)})
		}
	}
	return flags
}

// flagUsage is an option's help line: what it is, its values, its default.
func flagUsage(opt generator.Option) string {
	usage := opt.Usage
	if opt.Kind == generator.Choice {
		usage += ": " + strings.Join(opt.Choices(), ", ")
	}
	def := strings.Join(opt.Get(generator.Defaults()), ", ")
	if opt.Default != "" {
		def = strings.ReplaceAll(opt.Default, "`", "")
	}
	if def == "" {
		def = "none"
	}
	return usage + " (default: " + def + ")"
}

// applyFlags overrides opts with the flags that were set.
func applyFlags(c *cli.Context, opts generator.Options) (generator.Options, error) {
	for _, opt := range generator.OptionTable() {
		if !c.IsSet(opt.Flag) {
			continue
		}
		value := []string{c.String(opt.Flag)}
		switch opt.Kind {
		case generator.Switch:
			value = []string{fmt.Sprint(c.Bool(opt.Flag))}
		case generator.List:
			value = c.StringSlice(opt.Flag)
		}
		if err := opt.Set(&opts, value); err != nil {
			return opts, usageErr("--%s: %v", opt.Flag, err)
		}
	}
	return opts, nil
}

// optionArgs is opts as flags, for the equivalent non-interactive command:
// the options that differ from base, what the same command finds without
// flags (defaults and what it detects).
func optionArgs(o, base generator.Options) []string {
	var args []string
	for _, opt := range generator.OptionTable() {
		if slices.Equal(opt.Get(o), opt.Get(base)) {
			continue
		}
		for _, v := range opt.Get(o) {
			if opt.Kind == generator.Switch {
				args = append(args, "--"+opt.Flag+"="+v)
				continue
			}
			args = append(args, "--"+opt.Flag, v)
		}
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

// commandArgs are the flags given to c's command that are not options
// (--dir, --wire, --force, --no-tidy, ...), for the equivalent command:
// without them it would run elsewhere or do otherwise. --yes, --module and
// --keys-dir have rules of their own.
func commandArgs(c *cli.Context) []string {
	skip := map[string]bool{"yes": true, "module": true, "keys-dir": true}
	for _, opt := range generator.OptionTable() {
		skip[opt.Flag] = true
	}
	var args []string
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		switch _, isBool := f.(*cli.BoolFlag); {
		case skip[name] || !c.IsSet(name):
		case isBool && c.Bool(name):
			args = append(args, "--"+name)
		case isBool:
			args = append(args, "--"+name+"=false")
		default:
			args = append(args, "--"+name, shellQuote(c.String(name)))
		}
	}
	return args
}
