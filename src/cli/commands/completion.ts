/** `fleet completion bash|zsh|fish` — prints a completion script for the shell; nothing else. */
import { FleetError } from "../../errors.js";
import { COMMANDS } from "../command-table.js";
import { EXIT } from "../exit-codes.js";
import { parseCommand } from "./args.js";

export const usage = `Usage: fleet completion bash|zsh|fish

Prints a script that completes fleet's commands, their options and task ids (the files in
.fleet/queue/ of the repository you are in) for your shell.

Examples:
  eval "$(fleet completion bash)"        # in ~/.bashrc
  eval "$(fleet completion zsh)"         # in ~/.zshrc (after compinit)
  fleet completion fish > ~/.config/fish/completions/fleet.fish

Exit codes: 0 printed · 2 usage (no shell, or one not supported)
`;

const SHELLS = ["bash", "zsh", "fish"] as const;

/** Commands whose first argument is a task id. */
const TAKES_ID = ["show", "ready", "approve", "reject", "answer", "drop", "merge", "retry", "log"];

/** The shell function listing task ids: the .md files of .fleet/queue/ at the repository's root. */
const IDS = `command ls "$(git rev-parse --show-toplevel 2>/dev/null)/.fleet/queue" 2>/dev/null | sed -n 's/\\.md$//p'`;

function bash(names: string[]): string {
  return `# fleet completion for bash: eval "$(fleet completion bash)"
_fleet() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[1]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${names.join(" ")} help" -- "$cur")); return
  fi
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$(fleet "$cmd" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)" -- "$cur")); return ;;
  esac
  case "$cmd" in
    ${TAKES_ID.join("|")}) COMPREPLY=($(compgen -W "$(${IDS})" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "${names.join(" ")}" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "${SHELLS.join(" ")}" -- "$cur")) ;;
  esac
}
complete -F _fleet fleet
`;
}

function zsh(names: string[]): string {
  return `#compdef fleet
# fleet completion for zsh: eval "$(fleet completion zsh)" (after compinit)
_fleet() {
  if (( CURRENT == 2 )); then compadd -- ${names.join(" ")} help; return; fi
  if [[ $words[CURRENT] == -* ]]; then
    compadd -- \${(f)"$(fleet $words[2] --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)"}; return
  fi
  case $words[2] in
    ${TAKES_ID.join("|")}) compadd -- \${(f)"$(${IDS})"} ;;
    help) compadd -- ${names.join(" ")} ;;
    completion) compadd -- ${SHELLS.join(" ")} ;;
  esac
}
compdef _fleet fleet
`;
}

function fish(names: string[]): string {
  const lines = [
    "# fleet completion for fish: fleet completion fish > ~/.config/fish/completions/fleet.fish",
    "complete -c fleet -f",
    ...Object.entries(COMMANDS).map(
      ([name, c]) =>
        `complete -c fleet -n __fish_use_subcommand -a ${name} -d ${JSON.stringify(c.summary.replace(/"/g, "'"))}`,
    ),
    `complete -c fleet -n "__fish_seen_subcommand_from ${TAKES_ID.join(" ")}" -a "(${IDS.replace(/"/g, "'")})"`,
    `complete -c fleet -n "__fish_seen_subcommand_from help" -a "${names.join(" ")}"`,
    `complete -c fleet -n "__fish_seen_subcommand_from completion" -a "${SHELLS.join(" ")}"`,
    "",
  ];
  return lines.join("\n");
}

/** Runs `fleet completion`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { positionals } = parseCommand(
    "completion",
    argv,
    {},
    { min: 1, max: 1, names: "the shell (bash, zsh or fish)" },
  );
  const shell = positionals[0] ?? "";
  const names = Object.keys(COMMANDS);
  const script =
    shell === "bash" ? bash(names) : shell === "zsh" ? zsh(names) : shell === "fish" ? fish(names) : null;
  if (script === null)
    throw new FleetError("usage", `fleet completion: no completion for ${JSON.stringify(shell)}`, {
      hint: `Supported: ${SHELLS.join(", ")}.`,
    });
  process.stdout.write(script);
  return EXIT.ok;
}
