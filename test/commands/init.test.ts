import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { doctor } from "../../src/commands/doctor.js";
import { init } from "../../src/commands/init.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readAgents, readConfig, readGates } from "../../src/store/read-records.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

describe("init", () => {
  it("creates a valid, commented .fleet/ with gates from package.json scripts, and commits only it", async () => {
    const root = tempRepo();
    writeFile(
      root,
      "package.json",
      JSON.stringify({ scripts: { build: "tsc", test: "vitest run", lint: "biome check", dev: "x" } }),
    );
    writeFile(root, "package-lock.json", "{}");
    gitOut(root, "add", "package-lock.json");
    gitOut(root, "commit", "-q", "-m", "lock");
    const result = await init({ cwd: root, env: { PATH: "/usr/bin:/bin" } });
    const paths = fleetPaths(root);
    const problems: unknown[] = [];
    const config = readConfig(paths, problems as never);
    expect(problems).toEqual([]);
    expect(config.gates).toEqual({
      implement: ["build", "test", "lint", "acceptance"],
      ship: ["test", "acceptance"],
    });
    expect(config.setup).toBe("npm ci");
    expect(config.base).toBe("main");
    expect([...readAgents(paths).keys()]).toEqual(["implementer", "planner", "researcher", "reviewer"]);
    const gates = readGates(paths);
    expect(gates.get("test")?.record).toMatchObject({ kind: "command", run: "npm run test" });
    expect(gates.get("acceptance")?.record.kind).toBe("acceptance");
    expect(gates.has("dev")).toBe(false);
    expect(readFileSync(paths.config, "utf8")).toMatch(/# How many agents run at once\./);
    expect(readFileSync(path.join(paths.agents, "planner.md"), "utf8")).toMatch(/runner: script/);
    expect(await doctor({ cwd: root })).toMatchObject({ ok: true, problems: [] });

    expect(result.commit).toBe(gitOut(root, "rev-parse", "HEAD"));
    const committed = gitOut(root, "show", "--name-only", "--format=", "HEAD").split("\n").sort();
    expect(committed).toEqual([...result.created].sort());
    expect(committed).toContain(".fleet/queue/.gitkeep");
    expect(committed.every((f) => f.startsWith(".fleet/"))).toBe(true);
    expect(gitOut(root, "log", "-1", "--format=%(trailers:only,unfold)")).toBe(
      "Fleet-Task: fleet\nFleet-Phase: fleet\nFleet-Event: initialized\nFleet-By: Ada Lovelace <ada@example.com>",
    );
    expect(gitOut(root, "status", "--porcelain")).toBe("?? package.json");
  });

  it("without package.json has only the acceptance gate, and uses the pnpm lock file when there is one", async () => {
    const bare = tempRepo();
    await init({ cwd: bare });
    expect(readConfig(fleetPaths(bare)).gates).toEqual({ implement: ["acceptance"], ship: ["acceptance"] });
    expect(readConfig(fleetPaths(bare)).setup).toBeNull();

    const pnpm = tempRepo();
    writeFile(pnpm, "package.json", JSON.stringify({ scripts: { build: "tsc" } }));
    writeFile(pnpm, "pnpm-lock.yaml", "");
    gitOut(pnpm, "add", "pnpm-lock.yaml");
    gitOut(pnpm, "commit", "-q", "-m", "lock");
    await init({ cwd: pnpm });
    expect(readConfig(fleetPaths(pnpm)).setup).toBe("pnpm install --frozen-lockfile");
    expect(readGates(fleetPaths(pnpm)).get("build")?.record).toMatchObject({ run: "pnpm run build" });
    expect(readConfig(fleetPaths(pnpm)).gates.ship).toEqual(["build", "acceptance"]);
  });

  it("refuses an existing .fleet/, and with force adds only what is missing, leaving edits alone", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    await expect(init({ cwd: root })).rejects.toMatchObject({ code: "conflict" });
    const paths = fleetPaths(root);
    const edited = readFileSync(paths.config, "utf8").replace("concurrency: 2", "concurrency: 4");
    writeFile(root, ".fleet/config.md", edited);
    gitOut(root, "rm", "-q", ".fleet/agents/reviewer.md");
    gitOut(root, "commit", "-q", "-m", "no reviewer");
    const result = await init({ cwd: root, force: true });
    expect(result.created).toEqual([".fleet/agents/reviewer.md"]);
    expect(readFileSync(paths.config, "utf8")).toBe(edited);
    expect(gitOut(root, "show", "--name-only", "--format=", "HEAD")).toBe(".fleet/agents/reviewer.md");
    expect(gitOut(root, "status", "--porcelain")).toBe("M .fleet/config.md");
    expect((await init({ cwd: root, force: true })).commit).toBeNull();
  });

  it("works in a repository with no commits yet", async () => {
    const root = tempRepo();
    gitOut(root, "checkout", "-q", "--orphan", "fresh");
    gitOut(root, "rm", "-q", "-r", "--cached", ".");
    const result = await init({ cwd: root });
    expect(result.facts.base).toBe("fresh");
    expect(gitOut(root, "rev-list", "--count", "HEAD")).toBe("1");
  });
});
