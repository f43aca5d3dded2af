import type { Command } from './command.js';

/*
 * Shell completion scripts, generated from the command list so they never drift from it.
 * Each completes command names, then the command's options; aliases are completed from
 * `opencode-multi-auth list --json` where a command takes one.
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Commands whose arguments are account aliases. */
const TAKES_ALIAS = new Set(['login', 'enable', 'disable', 'clear', 'pin', 'rename', 'remove', 'refresh']);

function longOptions(command: Command): string[] {
  return ['--help', ...Object.keys(command.options).map((name) => `--${name}`)];
}

const ALIASES_COMMAND = `opencode-multi-auth list --json 2>/dev/null | sed -n 's/^      "alias": "\\(.*\\)",$/\\1/p'`;

function bash(commands: Command[]): string {
  const cases = commands.map((command) => `    ${command.name}) opts="${longOptions(command).join(' ')}" ;;`).join('\n');
  return `# bash completion for opencode-multi-auth
# Load it now:        source <(opencode-multi-auth completion bash)
# Or for every shell: opencode-multi-auth completion bash > ~/.local/share/bash-completion/completions/opencode-multi-auth
_opencode_multi_auth() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${commands.map((command) => command.name).join(' ')} --help --version" -- "$cur") )
    return
  fi
  local opts=""
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  elif [[ " ${[...TAKES_ALIAS].join(' ')} " == *" \${COMP_WORDS[1]} "* ]]; then
    COMPREPLY=( $(compgen -W "$(${ALIASES_COMMAND})" -- "$cur") )
  elif [ "\${COMP_WORDS[1]}" = completion ]; then
    COMPREPLY=( $(compgen -W "bash zsh fish" -- "$cur") )
  elif [ "\${COMP_WORDS[1]}" = import ] && [ "$COMP_CWORD" -eq 2 ]; then
    COMPREPLY=( $(compgen -W "codex opencode" -- "$cur") $(compgen -f -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -F _opencode_multi_auth opencode-multi-auth
`;
}

function zshQuote(text: string): string {
  return text.replace(/'/g, "'\\''").replace(/:/g, '\\:');
}

function zsh(commands: Command[]): string {
  const described = commands.map((command) => `    '${command.name}:${zshQuote(command.help.brief)}'`).join('\n');
  const cases = commands.map((command) => `    ${command.name}) opts=(${longOptions(command).join(' ')}) ;;`).join('\n');
  return `#compdef opencode-multi-auth
# zsh completion for opencode-multi-auth
# Load it now:        source <(opencode-multi-auth completion zsh)
# Or for every shell: opencode-multi-auth completion zsh > "\${fpath[1]}/_opencode-multi-auth"
_opencode_multi_auth() {
  local -a commands opts
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${cases}
  esac
  if [[ "$words[CURRENT]" == -* ]]; then
    compadd -- $opts
  elif (( \${\${(s: :):-${[...TAKES_ALIAS].join(' ')}}[(Ie)$words[2]]} )); then
    compadd -- \${(f)"$(${ALIASES_COMMAND})"}
  elif [[ "$words[2]" == completion ]]; then
    compadd -- bash zsh fish
  else
    _files
  fi
}
if [[ "$funcstack[1]" == _opencode_multi_auth ]]; then _opencode_multi_auth "$@"; else compdef _opencode_multi_auth opencode-multi-auth; fi
`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fish(commands: Command[]): string {
  const names = commands.map((command) => command.name).join(' ');
  const lines = [
    '# fish completion for opencode-multi-auth',
    '# Load it now:        opencode-multi-auth completion fish | source',
    '# Or for every shell: opencode-multi-auth completion fish > ~/.config/fish/completions/opencode-multi-auth.fish',
    'complete -c opencode-multi-auth -f',
    `complete -c opencode-multi-auth -n 'not __fish_seen_subcommand_from ${names}' -l version -d 'print the version'`,
  ];
  for (const command of commands) {
    lines.push(`complete -c opencode-multi-auth -n 'not __fish_seen_subcommand_from ${names}' -a ${command.name} -d ${fishQuote(command.help.brief)}`);
    for (const option of longOptions(command))
      lines.push(`complete -c opencode-multi-auth -n '__fish_seen_subcommand_from ${command.name}' -l ${option.slice(2)}`);
  }
  lines.push(`complete -c opencode-multi-auth -n '__fish_seen_subcommand_from ${[...TAKES_ALIAS].join(' ')}' -a '(${ALIASES_COMMAND.replace(/'/g, "\\'")})'`);
  lines.push(`complete -c opencode-multi-auth -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'`);
  lines.push(`complete -c opencode-multi-auth -n '__fish_seen_subcommand_from import' -a 'codex opencode' -F`);
  lines.push(`complete -c opencode-multi-auth -n '__fish_seen_subcommand_from export' -F`);
  return `${lines.join('\n')}\n`;
}

/** The completion script for `shell`. Pure. */
export function completionScript(shell: Shell, commands: Command[]): string {
  switch (shell) {
    case 'bash':
      return bash(commands);
    case 'zsh':
      return zsh(commands);
    case 'fish':
      return fish(commands);
  }
}
