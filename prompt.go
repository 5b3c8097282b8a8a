package main

import (
	"errors"
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

// ask fills in, through p, every option of generator.OptionTable that has a
// question, matters given the earlier answers, and was not set by a flag.
// An answer is checked as the option checks it, and asked again when wrong.
func ask(p Prompter, c *cli.Context, o generator.Options) (generator.Options, error) {
	for _, opt := range generator.OptionTable() {
		if opt.Question == "" || c.IsSet(opt.Flag) || (opt.AskIf != nil && !opt.AskIf(o)) {
			continue
		}
		answer, err := askOne(p, opt, o)
		if err != nil {
			return o, err
		}
		if err := opt.Set(&o, answer); err != nil {
			return o, err
		}
	}
	return o, nil
}

// askOne asks for one option, offering its value in o.
func askOne(p Prompter, opt generator.Option, o generator.Options) ([]string, error) {
	current := opt.Get(o)
	switch opt.Kind {
	case generator.Choice:
		answer, err := p.Select(opt.Question, opt.PromptHelp(), opt.Choices(), current[0])
		return []string{answer}, err
	case generator.Switch:
		answer, err := p.Select(opt.Question, opt.PromptHelp(), []string{"true", "false"}, current[0])
		return []string{answer}, err
	}
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
		return opt.Check(trial)
	}
	answer, err := p.Input(opt.Question, opt.PromptHelp(), strings.Join(current, ","), validate)
	return parse(answer), err
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
