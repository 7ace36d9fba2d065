/** The conventions of git and gh, through the built CLI: did you mean, help <command>, id prefixes, log order. */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { fleetOk, runFleet } from "../helpers/run-fleet.js";
import { tempRepo } from "../helpers/temp-repo.js";

function repoWithIdeas(): string {
  const root = tempRepo();
  fleetOk(root, ["init", "--no-check"]);
  fleetOk(root, ["idea", "Rate-limit the public API", "--id", "rate-limit-the-public-api-7k2q"]);
  fleetOk(root, ["idea", "Rate cards", "--id", "rate-cards-2b3c"]);
  return root;
}

describe("CLI conventions", () => {
  it("says 'did you mean' for a command, a flag and a value, never parseArgs' own text", () => {
    const root = repoWithIdeas();
    const cmd = runFleet(root, ["lss"]);
    expect([cmd.code, cmd.stderr.split("\n")[0]]).toEqual([
      2,
      'fleet: unknown command "lss". Did you mean "ls"?',
    ]);
    const flag = runFleet(root, ["ls", "--jsn"]);
    expect([flag.code, flag.stderr.split("\n")[0]]).toEqual([
      2,
      'fleet: fleet ls: unknown option --jsn. Did you mean "--json"?',
    ]);
    expect(flag.stderr).not.toMatch(/positional argument|'--'/);
    const value = runFleet(root, ["ls", "--phase", "plna"]);
    expect(value.stderr).toMatch(/--phase must be one of .*, not "plna"\. Did you mean "plan"\?/);
    const missing = runFleet(root, ["log", "-n"]);
    expect(missing.stderr.split("\n")[0]).toBe("fleet: fleet log: --max-count needs a value");
  });

  it("prints a command's own help for `fleet help <command>`", () => {
    const root = repoWithIdeas();
    const help = fleetOk(root, ["help", "ls"]);
    expect(help.stdout).toBe(fleetOk(root, ["ls", "--help"]).stdout);
    expect(help.stdout).toMatch(/^Usage: fleet ls /);
    expect(runFleet(root, ["help", "shwo"]).stderr).toMatch(/Did you mean "show"\?/);
  });

  it("takes any unique prefix of an id, and names the candidates of an ambiguous one", () => {
    const root = repoWithIdeas();
    expect(fleetOk(root, ["show", "rate-l"]).stdout).toMatch(/^rate-limit-the-public-api-7k2q — /);
    expect(fleetOk(root, ["ready", "rate-c"]).stdout).toMatch(
      /^rate-cards-2b3c: idea \/ draft → idea \/ ready/,
    );
    const ambiguous = runFleet(root, ["show", "rate"]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(
      /rate is the start of several task ids: rate-cards-2b3c, rate-limit-the-public-api-7k2q/,
    );
    const typo = runFleet(root, ["show", "rate-cadrs-2b3c"]);
    expect(typo.code).toBe(3);
    expect(typo.stderr).toMatch(/Did you mean rate-cards-2b3c\?/);
    expect(JSON.parse(fleetOk(root, ["log", "rate-l", "--json"]).stdout)[0].task).toBe(
      "rate-limit-the-public-api-7k2q",
    );
  });

  it("prints the log newest first (--reverse: oldest first), -n the newest n", () => {
    const root = repoWithIdeas();
    const subjects = (args: string[]) =>
      fleetOk(root, ["log", ...args])
        .stdout.split("\n")
        .filter((l) => /^\d{4}-/.test(l))
        .map((l) => l.replace(/^\S+ \S+ {2}\S+ {2}/, ""));
    expect(subjects([])).toEqual([
      "fleet(idea): rate-cards-2b3c created — Rate cards",
      "fleet(idea): rate-limit-the-public-api-7k2q created — Rate-limit the public API",
      "fleet(fleet): fleet initialized",
    ]);
    expect(subjects(["--reverse"])[0]).toBe("fleet(fleet): fleet initialized");
    expect(subjects(["-n", "1"])).toEqual(["fleet(idea): rate-cards-2b3c created — Rate cards"]);
  });

  it("colours states only when colour is on: FORCE_COLOR forces it, NO_COLOR wins, a pipe is plain", () => {
    const root = repoWithIdeas();
    fleetOk(root, ["drop", "rate-c", "-m", "not now"]);
    const forced = runFleet(root, ["ls", "--all"], { NO_COLOR: "", FORCE_COLOR: "1" });
    const ESC = String.fromCharCode(27);
    expect(forced.stdout).toMatch(new RegExp(`rate-cards-2b3c +${ESC}\\[2mdropped${ESC}\\[22m +P2`));
    // Colour does not shift the columns: without the escapes the board is the plain one.
    const plain = runFleet(root, ["ls", "--all"], { NO_COLOR: "" });
    expect(plain.stdout).not.toContain("\x1b[");
    expect(forced.stdout.replace(new RegExp(`${ESC}\\[\\d+m`, "g"), "")).toBe(plain.stdout);
    expect(runFleet(root, ["ls", "--all"], { NO_COLOR: "1", FORCE_COLOR: "1" }).stdout).not.toContain(
      "\x1b[",
    );
    expect(runFleet(root, ["ls", "--all"], { NO_COLOR: "", FORCE_COLOR: "0" }).stdout).not.toContain("\x1b[");
  });

  it("completes commands and task ids in bash, and prints zsh and fish scripts", () => {
    const root = repoWithIdeas();
    const script = fleetOk(root, ["completion", "bash"]).stdout;
    const complete = (...words: string[]) =>
      execFileSync(
        "bash",
        [
          "-c",
          `eval "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _fleet; echo "\${COMPREPLY[*]}"`,
          "fleet-completion-test",
          script,
        ],
        { cwd: root, encoding: "utf8" },
      ).trim();
    expect(complete("fleet", "sh")).toBe("show");
    expect(complete("fleet", "show", "rate-c")).toBe("rate-cards-2b3c");
    expect(complete("fleet", "approve", "rate")).toBe("rate-cards-2b3c rate-limit-the-public-api-7k2q");
    expect(fleetOk(root, ["completion", "zsh"]).stdout).toMatch(
      /^#compdef fleet\n[\s\S]*compdef _fleet fleet\n$/,
    );
    expect(fleetOk(root, ["completion", "fish"]).stdout).toMatch(
      /^complete -c fleet -n __fish_use_subcommand -a ls /m,
    );
    expect(runFleet(root, ["completion", "tcsh"]).code).toBe(2);
  });

  it("edits a task and searches the tasks from the command line", () => {
    const root = repoWithIdeas();
    expect(fleetOk(root, ["edit", "rate-l", "--priority", "0", "--touches", "src/api/**"]).stdout).toMatch(
      /^rate-limit-the-public-api-7k2q: changed priority, touches \(commit [0-9a-f]{7}\)$/m,
    );
    expect(fleetOk(root, ["edit", "rate-l", "--priority", "0"]).stdout).toMatch(/nothing to change/);
    expect(runFleet(root, ["edit", "rate-l", "--depends-on", "rate-limit-the-public-api-7k2q"]).code).toBe(2);
    const found = fleetOk(root, ["search", "public", "API"]).stdout;
    expect(found).toMatch(
      /^rate-limit-the-public-api-7k2q {2}idea \/ draft {2}Rate-limit the public API\n {4}task: Rate-limit the public API$/m,
    );
    expect(runFleet(root, ["search", "nowhere"]).code).toBe(1);
  });
});
