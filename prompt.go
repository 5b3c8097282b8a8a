package main

import (
	"errors"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/core"
	"github.com/AlecAivazis/survey/v2/terminal"
	"github.com/urfave/cli/v2"

	"github.com/authgen/authgen/generator"
)

// Prompter asks questions. Every survey call lives behind it, so that a
// switch to another prompt library is this one file.
type Prompter interface {
	// Select asks for one of options, offering def, until validate accepts
	// it.
	Select(question, help string, options []string, def string, validate func(string) error) (string, error)
	// Input asks for a line of text, offering def, until validate accepts it.
	Input(question, help, def string, validate func(string) error) (string, error)
	// MultiSelect asks for any number of options, offering defs chosen.
	MultiSelect(question, help string, options, defs []string) ([]string, error)
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

func (p *surveyPrompter) Select(question, help string, options []string, def string, validate func(string) error) (string, error) {
	var answer string
	v := func(ans any) error {
		if a, ok := ans.(core.OptionAnswer); ok {
			return validate(a.Value)
		}
		return nil
	}
	err := survey.AskOne(&survey.Select{Message: question, Help: help, Options: options, Default: def}, &answer,
		survey.WithStdio(p.stdio.In, p.stdio.Out, p.stdio.Err), survey.WithValidator(v))
	return answer, surveyErr(err)
}

func (p *surveyPrompter) Input(question, help, def string, validate func(string) error) (string, error) {
	var answer string
	v := func(ans any) error { return validate(strings.TrimSpace(ans.(string))) }
	err := survey.AskOne(&survey.Input{Message: question, Help: help, Default: def}, &answer,
		survey.WithStdio(p.stdio.In, p.stdio.Out, p.stdio.Err), survey.WithValidator(v))
	return strings.TrimSpace(answer), surveyErr(err)
}

func (p *surveyPrompter) MultiSelect(question, help string, options, defs []string) ([]string, error) {
	var answer []string
	// The whole list on one page: its last item opens the adjustments, and a
	// page of survey's default seven would hide it below the fold.
	err := survey.AskOne(&survey.MultiSelect{Message: question, Help: help, Options: options, Default: defs, PageSize: max(len(options), 7)}, &answer, survey.WithStdio(p.stdio.In, p.stdio.Out, p.stdio.Err))
	return answer, surveyErr(err)
}

func surveyErr(err error) error {
	if errors.Is(err, terminal.InterruptErr) {
		return errAborted
	}
	return err
}

// The interview asks in three groups: where the service lives (router and
// storage); what it does, one list of features (the options with a Pick),
// whose last item opens the adjustments; and only then every other option.
// With the defaults that is three answers. An option set by a flag is never
// asked, and one whose AskIf says it does not matter is skipped. An answer
// is asked again, with the reason, when it makes a problem that was not
// there before it: its own (an unknown value), one between options (a
// refresh TTL shorter than the access TTL), or one check finds (a package
// directory taken by another package).
func ask(p Prompter, c *cli.Context, o generator.Options, check func(generator.Options) error) (generator.Options, error) {
	o, err := askGroup(p, c, o, generator.Where, check)
	if err != nil {
		return o, err
	}
	o, adjust, err := askFeatures(p, c, o)
	if err != nil || !adjust {
		return o, err
	}
	return askGroup(p, c, o, generator.Adjust, check)
}

// adjustItem ends the list of features: choosing it opens the adjustments,
// so that the defaults cost no extra answer.
const adjustItem = "Adjust token and route settings"

// askGroup asks, in table order, each option of group that matters.
func askGroup(p Prompter, c *cli.Context, o generator.Options, group generator.Group, check func(generator.Options) error) (generator.Options, error) {
	for _, opt := range generator.OptionTable() {
		if !asked(c, opt, o, group) {
			continue
		}
		answer, err := askOne(p, opt, o, check)
		if err != nil {
			return o, err
		}
		if err := opt.Set(&o, answer); err != nil {
			return o, err
		}
	}
	return o, nil
}

// asked reports whether the interview asks opt in group, given o.
func asked(c *cli.Context, opt generator.Option, o generator.Options, group generator.Group) bool {
	return opt.Group == group && opt.Question != "" && !c.IsSet(opt.Flag) && (opt.AskIf == nil || opt.AskIf(o))
}

// askFeatures offers every feature that matters and no flag decided, those
// o already has chosen; a chosen one sets its option, one left out resets
// its option to the default if it held the feature. It reports whether the
// adjustments were asked for.
func askFeatures(p Prompter, c *cli.Context, o generator.Options) (generator.Options, bool, error) {
	var offered []generator.Option
	var labels, chosen, help []string
	for _, opt := range generator.OptionTable() {
		pick := opt.Pick
		if pick == nil || c.IsSet(opt.Flag) || (pick.If != nil && !pick.If(o)) {
			continue
		}
		offered = append(offered, opt)
		labels = append(labels, pick.Label)
		help = append(help, pick.Label+": "+pick.Help)
		if holds(opt, o, pick.Value) {
			chosen = append(chosen, pick.Label)
		}
	}
	if len(offered) == 0 && !slices.ContainsFunc(generator.OptionTable(), func(opt generator.Option) bool { return asked(c, opt, o, generator.Adjust) }) {
		return o, false, nil // the flags decided everything
	}
	labels = append(labels, adjustItem)
	help = append(help, adjustItem+": identity, algorithm, lifetimes, transport and cookies, routes, package, user fields, hashing")
	answer, err := p.MultiSelect("Features (space to choose, Enter when done):", strings.Join(help, "\n"), labels, chosen)
	if err != nil {
		return o, false, err
	}
	for _, opt := range offered {
		value := opt.Get(generator.Defaults())
		switch {
		case slices.Contains(answer, opt.Pick.Label):
			value = []string{opt.Pick.Value}
		case !holds(opt, o, opt.Pick.Value):
			continue
		}
		if err := opt.Set(&o, value); err != nil {
			return o, false, err
		}
	}
	return o, slices.Contains(answer, adjustItem), nil
}

// holds reports whether o's value of opt is value.
func holds(opt generator.Option, o generator.Options, value string) bool {
	return slices.Equal(opt.Get(o), []string{value})
}

// askOne asks for one option, offering its value in o.
func askOne(p Prompter, opt generator.Option, o generator.Options, check func(generator.Options) error) ([]string, error) {
	parse := func(s string) []string {
		if opt.Kind == generator.List {
			return splitList(s)
		}
		return []string{s}
	}
	validate := func(s string) error {
		trial := o
		if err := opt.Set(&trial, parse(s)); err != nil {
			return err
		}
		return newProblems(o, trial, check)
	}
	current := opt.Get(o)
	switch opt.Kind {
	case generator.Choice:
		answer, err := p.Select(opt.Question, opt.PromptHelp(), opt.Choices(), current[0], validate)
		return []string{answer}, err
	case generator.Switch:
		answer, err := p.Select(opt.Question, opt.PromptHelp(), []string{"true", "false"}, current[0], validate)
		return []string{answer}, err
	}
	answer, err := p.Input(opt.Question, opt.PromptHelp(), strings.Join(current, ","), validate)
	return parse(answer), err
}

// newProblems is what trial gets wrong that o did not, and what check
// finds in it.
func newProblems(o, trial generator.Options, check func(generator.Options) error) error {
	had := map[string]bool{}
	for _, err := range problems(o) {
		had[err.Error()] = true
	}
	var errs []error
	for _, err := range problems(trial) {
		if !had[err.Error()] {
			errs = append(errs, err)
		}
	}
	if check != nil {
		errs = append(errs, check(trial))
	}
	return errors.Join(errs...)
}

// problems lists what Validate finds in o, one error each.
func problems(o generator.Options) []error {
	err := o.Validate()
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		return joined.Unwrap()
	}
	if err != nil {
		return []error{err}
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
