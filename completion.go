package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// bashCompletion asks authgen itself for the words that may follow
// (urfave/cli's --generate-bash-completion), so it never goes stale.
const bashCompletion = `# bash completion for authgen
_authgen() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local words
  words=$("${COMP_WORDS[0]}" "${COMP_WORDS[@]:1:COMP_CWORD-1}" --generate-bash-completion 2>/dev/null)
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _authgen authgen
`

const zshCompletion = `#compdef authgen
# zsh completion for authgen, through zsh's bash-completion layer
autoload -U +X bashcompinit && bashcompinit
` + bashCompletion

func (a *app) completionCmd(c *cli.Context) error {
	switch c.Args().First() {
	case "bash":
		fmt.Fprint(a.stdout, bashCompletion)
	case "zsh":
		fmt.Fprint(a.stdout, zshCompletion)
	default:
		return usageErr("completion needs a shell: authgen completion bash, or authgen completion zsh")
	}
	return nil
}
