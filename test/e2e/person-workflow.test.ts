/**
 * The "done when", end to end through the built CLI: a person inits, drops a hand-written idea,
 * sees it on the board, breaks a file and gets a precise error while the rest works, reads every change
 * back from git log — and their own unrelated staged and unstaged work is untouched throughout.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fleetOk, runFleet } from "../helpers/run-fleet.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

/** Everything of the person's outside .fleet/: staged diff, unstaged diff, untracked files and their bytes. */
function personWork(root: string) {
  const outside = ["--", ".", ":(exclude).fleet"];
  return {
    staged: gitOut(root, "diff", "--cached", "--binary", ...outside),
    unstaged: gitOut(root, "diff", "--binary", ...outside),
    untracked: gitOut(root, "ls-files", "--others", "--exclude-standard", ...outside),
    files: ["README.md", "src/app.ts", "notes.txt"].map((f) => readFileSync(`${root}/${f}`, "utf8")),
  };
}

function fleetCommits(root: string): number {
  return Number(gitOut(root, "rev-list", "--count", "-E", "--grep=^Fleet-Task: ", "HEAD"));
}

describe("a person's day with fleet", () => {
  it("init, a hand-written idea on the board, a broken file, the story in git log, their own work untouched", () => {
    const root = tempRepo();
    writeFile(
      root,
      "package.json",
      JSON.stringify({ name: "app", scripts: { test: "node --test", build: "tsc" } }),
    );
    gitOut(root, "add", "package.json");
    gitOut(root, "commit", "-q", "-m", "package");
    writeFile(root, "src/app.ts", "export const staged = 1;\n");
    gitOut(root, "add", "src/app.ts");
    writeFile(root, "src/app.ts", "export const staged = 1;\nexport const unstaged = 2;\n");
    writeFile(root, "README.md", "# sample\n\nEdited, not staged.\n");
    writeFile(root, "notes.txt", "untracked notes\n");
    const mine = personWork(root);
    const check = () => expect(personWork(root)).toEqual(mine);

    const init = fleetOk(root, ["init", "--no-check"]);
    expect(init.stdout).toMatch(/Created \.fleet\//);
    expect(init.stdout).toMatch(
      /gates per phase: implement build, test, acceptance; ship test, acceptance$/m,
    );
    check();
    expect(runFleet(root, ["init"]).code).toBe(4);
    expect(fleetOk(root, ["doctor"]).stdout).toMatch(/no problems/);

    writeFile(root, ".fleet/queue/dark-mode.md", "# Dark mode\n\nEyes hurt at night.\n");
    const board = fleetOk(root, ["ls"]).stdout;
    expect(board).toMatch(/^idea \(1\)\n {2}dark-mode +draft +P2 +Dark mode +\(new file\)$/m);
    expect(fleetOk(root, ["show", "dark-mode"]).stdout).toMatch(
      /^dark-mode — Dark mode\n.*idea \/ draft[\s\S]*Eyes hurt at night\./,
    );

    fleetOk(root, ["ready", "dark-mode"]);
    check();
    const created = fleetOk(root, [
      "idea",
      "Rate-limit the API",
      "-m",
      "Abuse took us down.",
      "--priority",
      "1",
      "--json",
    ]);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect(id).toMatch(/^rate-limit-the-api-[a-z0-9]{4}$/);
    check();

    const broken = "---\nid: broken\ntitle: Broken\npriority: urgent\n---\nkeep my bytes\n";
    writeFile(root, ".fleet/queue/broken.md", broken);
    const withProblem = fleetOk(root, ["ls"]);
    expect(withProblem.stdout).toMatch(/dark-mode +ready/);
    expect(withProblem.stdout).toMatch(new RegExp(`${id} +draft +P1`));
    expect(withProblem.stdout).toMatch(/problems \(1\)[^\n]*\n {2}\.fleet\/queue\/broken\.md: priority: /);
    const shown = runFleet(root, ["show", "broken"]);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toMatch(/\.fleet\/queue\/broken\.md \(priority\): /);
    const doctor = runFleet(root, ["doctor", "--json"]);
    expect(doctor.code).toBe(1);
    expect(JSON.parse(doctor.stdout).problems).toEqual([
      expect.objectContaining({ file: ".fleet/queue/broken.md", field: "priority", fix: expect.any(String) }),
    ]);
    expect(runFleet(root, ["ready", "broken"]).code).toBe(1);
    expect(readFileSync(`${root}/.fleet/queue/broken.md`, "utf8")).toBe(broken);
    fleetOk(root, ["drop", id, "-m", "Not this quarter."]);
    check();

    const log = JSON.parse(fleetOk(root, ["log", "--json"]).stdout) as {
      task: string | null;
      event: string;
      by: string;
    }[];
    expect(log.map((e) => `${e.task ?? "(fleet)"} ${e.event}`)).toEqual([
      "(fleet) initialized",
      "dark-mode ready",
      `${id} created`,
      `${id} dropped`,
    ]);
    expect(log.every((e) => e.by === "Ada Lovelace <ada@example.com>")).toBe(true);
    expect(fleetCommits(root)).toBe(log.length);
    expect(gitOut(root, "log", "--format=%s", "-E", `--grep=^Fleet-Task: ${id}$`)).toBe(
      `fleet(idea): ${id} dropped — Rate-limit the API\nfleet(idea): ${id} created — Rate-limit the API`,
    );
    expect(fleetOk(root, ["log", id]).stdout).toMatch(
      /dropped — Rate-limit the API\n {4}by Ada Lovelace <ada@example\.com>\n {4}Not this quarter\./,
    );
    expect(gitOut(root, "status", "--porcelain", "--", ".fleet")).toBe("?? .fleet/queue/broken.md");
    check();
  });
});
