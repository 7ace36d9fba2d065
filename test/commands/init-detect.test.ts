import { chmodSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { init } from "../../src/commands/init.js";
import { detectProject } from "../../src/commands/init-detect.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readAgents, readConfig } from "../../src/store/read-records.js";
import { gitOut, tempDir, tempRepo, writeFile } from "../helpers/temp-repo.js";

/** A PATH with only the system's folders: no agent CLI, whatever the test runner's PATH holds. */
const BARE = { PATH: "/usr/bin:/bin" };

function commit(root: string, ...files: string[]): void {
  gitOut(root, "add", ...files);
  gitOut(root, "commit", "-q", "-m", `add ${files.join(" ")}`);
}

/** An executable `name` in `dir` (a fake CLI: it is only looked up, never run). */
function fakeCli(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = writeFile(dir, name, "#!/bin/sh\nexit 0\n");
  chmodSync(file, 0o755);
  return file;
}

describe("what fleet init detects", () => {
  it("takes setup from the lock file git tracks, not one that .gitignore keeps out of checkouts", async () => {
    const root = tempRepo();
    writeFile(root, "package.json", JSON.stringify({ scripts: { test: "node --test" } }));
    writeFile(root, ".gitignore", "package-lock.json\n");
    writeFile(root, "package-lock.json", "{}");
    commit(root, "package.json", ".gitignore");
    const facts = await detectProject(root, BARE);
    expect(facts.setup).toBe("npm install");
    expect(facts.choices).toContain(
      "setup: npm install — git tracks no lock file (package-lock.json is only in your work tree)",
    );
    expect(facts.warnings.join("\n")).toMatch(
      /package-lock\.json is in your work tree but git does not track it .* Commit package-lock\.json and set `setup: npm ci`/,
    );

    writeFile(root, ".gitignore", "");
    commit(root, ".gitignore", "package-lock.json");
    const tracked = await detectProject(root, BARE);
    expect(tracked.setup).toBe("npm ci");
    expect(tracked.warnings.filter((w) => w.includes("lock"))).toEqual([]);
  });

  it("knows pnpm, yarn classic and berry, bun, and package.json's packageManager", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ "pnpm-lock.yaml": "" }, "pnpm", "pnpm install --frozen-lockfile"],
      [{ "yarn.lock": "" }, "yarn", "yarn install --frozen-lockfile"],
      [{ "yarn.lock": "", ".yarnrc.yml": "" }, "yarn", "yarn install --immutable"],
      [{ "bun.lock": "" }, "bun", "bun install --frozen-lockfile"],
      [{ "bun.lockb": "" }, "bun", "bun install --frozen-lockfile"],
    ];
    for (const [files, pm, setup] of cases) {
      const root = tempRepo();
      writeFile(root, "package.json", "{}");
      for (const [f, text] of Object.entries(files)) writeFile(root, f, text);
      commit(root, "package.json", ...Object.keys(files));
      const facts = await detectProject(root, BARE);
      expect([facts.packageManager, facts.setup], JSON.stringify(files)).toEqual([pm, setup]);
    }
    const declared = tempRepo();
    writeFile(declared, "package.json", JSON.stringify({ packageManager: "pnpm@9.12.0" }));
    commit(declared, "package.json");
    expect(await detectProject(declared, BARE)).toMatchObject({
      packageManager: "pnpm",
      setup: "pnpm install",
    });
  });

  it("makes gates of the scripts that exist, leaving out npm's placeholder test script", async () => {
    const root = tempRepo();
    writeFile(
      root,
      "package.json",
      JSON.stringify({ scripts: { build: "tsc", test: 'echo "Error: no test specified" && exit 1' } }),
    );
    const facts = await detectProject(root, BARE);
    expect(facts.scripts).toEqual(["build"]);
    expect(facts.choices.join("\n")).toMatch(
      /gate test: left out — package\.json's test script is npm's placeholder/,
    );
    expect(facts.choices).toContain("no gate for lint — package.json has no such script");
  });

  it("finds an agent CLI in the project's node_modules/.bin when PATH has none, and says so", async () => {
    const root = tempRepo();
    writeFile(root, "package.json", "{}");
    const claude = fakeCli(path.join(root, "node_modules", ".bin"), "claude");
    const facts = await detectProject(root, BARE);
    expect(facts).toMatchObject({ runner: "claude-code", runnerProgram: claude });
    expect(facts.choices).toContain(
      `agents: runner claude-code — \`claude\` found in node_modules/.bin (${claude})`,
    );
    expect(facts.warnings).toEqual([]);
  });

  it("takes the first agent CLI on PATH (codex here), and writes agents for it", async () => {
    const root = tempRepo();
    const bin = tempDir("fleet-bin-");
    const codex = fakeCli(bin, "codex");
    symlinkSync(codex, path.join(bin, "aider"));
    await init({ cwd: root, env: { PATH: `${bin}:/usr/bin:/bin` } });
    const agents = readAgents(fleetPaths(root));
    expect(agents.get("planner")?.record).toMatchObject({ runner: "codex", env: ["OPENAI_API_KEY"] });
    expect(readFileSync(path.join(root, ".fleet/agents/planner.md"), "utf8")).toMatch(/\.accept\.mjs/);
  });

  it("without any agent CLI keeps claude-code and says how to install it", async () => {
    const root = tempRepo();
    const result = await init({ cwd: root, env: BARE });
    expect(result.facts.runner).toBe("claude-code");
    expect(result.facts.warnings.join("\n")).toMatch(
      /no agent CLI found .* install it with `npm install -g @anthropic-ai\/claude-code` \(or set `runner: script`/,
    );
    expect(readConfig(fleetPaths(root)).setup).toBeNull();
  });

  it("warns when the test script runs uvu on a folder, with the line to use", async () => {
    const root = tempRepo();
    writeFile(root, "package.json", JSON.stringify({ scripts: { test: "uvu . --bail" } }));
    const facts = await detectProject(root, BARE);
    expect(facts.warnings.join("\n")).toMatch(
      /runs uvu on a folder.* change it to "uvu \. --bail -i \.fleet"/,
    );
  });
});
