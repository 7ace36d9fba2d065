import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { doctor } from "../../src/commands/doctor.js";
import { init } from "../../src/commands/init.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

describe("fleet doctor and the setup lock file", () => {
  it("names a frozen install whose lock file git does not track, and is quiet once it is tracked", async () => {
    const root = tempRepo();
    writeFile(root, "package.json", JSON.stringify({ scripts: { test: "node --test" } }));
    writeFile(root, ".gitignore", "package-lock.json\n");
    writeFile(root, "package-lock.json", "{}");
    gitOut(root, "add", "package.json", ".gitignore");
    gitOut(root, "commit", "-q", "-m", "lib");
    await init({ cwd: root, env: { PATH: "/usr/bin:/bin" } });
    const config = path.join(root, ".fleet/config.md");
    writeFile(
      root,
      ".fleet/config.md",
      readFileSync(config, "utf8").replace(/^setup: .*$/m, "setup: npm ci"),
    );
    const r = await doctor({ cwd: root });
    expect(r.problems).toEqual([
      {
        file: ".fleet/config.md",
        field: "setup",
        message:
          "`npm ci` installs from package-lock.json or npm-shrinkwrap.json, which git does not track (is it in .gitignore?): fleet checkouts are made from git, so setup would fail in every one of them",
        fix: "Commit package-lock.json (`git add -f package-lock.json`), or set `setup:` to an install that needs no lock file (e.g. `npm install`).",
      },
    ]);
    gitOut(root, "add", "-f", "package-lock.json");
    gitOut(root, "commit", "-q", "-m", "lock");
    expect((await doctor({ cwd: root })).problems).toEqual([]);
  });
});
