/**
 * `ship: { mode: branch }` end to end through the built CLI: a drain leaves the change on branch
 * `fleet/<id>` at `ship / awaiting-merge` (the person's turn), `fleet ls` and `fleet show` say where it
 * is, and once a person squash-merges it the next run finds it merged and the task is done.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run-fleet.js";
import { gitOut, tempDir } from "../helpers/temp-repo.js";
import { gitRemoteOf } from "../support/git-daemon.js";
import { dropIdea, e2eFleet } from "./daemon-helpers.js";

describe("ship.mode: branch (remote: null)", () => {
  it("leaves fleet/<id> for review, and is done once a person merges it", () => {
    const f = e2eFleet("concurrency: 1\nreview: { plan: auto }\nship: { mode: branch }\n");
    dropIdea(f.root, "greet");
    const r = runFleet(f.root, ["run", "--until-idle"]);
    expect(r.code, r.stdout + r.stderr).toBe(7);
    expect(r.stdout).toMatch(
      /pushed .*→ ship \/ awaiting-merge .* {2}— your turn: review and merge fleet\/greet$/m,
    );
    expect(r.stdout).toContain("greet  (ship / awaiting-merge) a change to review and merge: fleet/greet");
    expect(f.task("greet")).toMatchObject({ phase: "ship", status: "awaiting-merge" });
    expect(gitOut(f.root, "ls-tree", "--name-only", "main")).not.toContain("greet.txt");
    expect(gitOut(f.root, "ls-tree", "--name-only", "fleet/greet")).toContain("greet.txt");

    const ls = runFleet(f.root, ["ls"]);
    expect(ls.stdout).toMatch(
      /greet +awaiting-merge +P2 +Idea greet {2}\(fleet\/greet; your turn: review and merge fleet\/greet\)/,
    );
    const show = runFleet(f.root, ["show", "greet"]);
    expect(show.stdout).toMatch(/^ {2}review branch: fleet\/greet in this clone at [0-9a-f]{12} \(pushed /m);

    gitOut(f.root, "merge", "-q", "--squash", "fleet/greet");
    gitOut(f.root, "commit", "-q", "-m", "Greet, reviewed");
    const merged = gitOut(f.root, "rev-parse", "HEAD");
    const again = runFleet(f.root, ["run", "--until-idle"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(f.task("greet")).toMatchObject({
      phase: "done",
      shipped: { commit: merged, merged_by: "content" },
    });
    expect(gitOut(f.root, "log", "-1", "--format=%s", "main")).toBe(
      "fleet(ship): greet shipped — Idea greet",
    );
  });
});

describe("ship.mode: branch with remote: origin over git://", () => {
  it("pushes fleet/<id> to the remote; a squash merge there makes the task done", async () => {
    const f = e2eFleet("concurrency: 1\nreview: { plan: auto }\nship: { mode: branch }\nremote: origin\n");
    const url = (await gitRemoteOf(f.root)).url;
    gitOut(f.root, "remote", "add", "origin", url);
    dropIdea(f.root, "greet");
    const r = runFleet(f.root, ["run", "--until-idle"]);
    expect(r.code, r.stdout + r.stderr).toBe(7);
    expect(f.task("greet"), r.stdout).toMatchObject({ phase: "ship", status: "awaiting-merge" });
    const person = path.join(tempDir(), "person");
    gitOut(path.dirname(person), "clone", "-q", url, person);
    gitOut(person, "config", "user.name", "Grace Hopper");
    gitOut(person, "config", "user.email", "grace@example.com");
    expect(gitOut(person, "ls-tree", "--name-only", "origin/fleet/greet")).toContain("greet.txt");
    expect(gitOut(person, "ls-tree", "--name-only", "origin/main")).not.toContain("greet.txt");
    expect(runFleet(f.root, ["ls"]).stdout).toContain(
      "(fleet/greet on origin; your turn: review and merge fleet/greet)",
    );

    gitOut(person, "merge", "-q", "--squash", "origin/fleet/greet");
    gitOut(person, "commit", "-q", "-m", "Greet (#1)");
    gitOut(person, "push", "-q", "origin", "main");
    gitOut(person, "push", "-q", "origin", ":refs/heads/fleet/greet");
    const merged = gitOut(person, "rev-parse", "HEAD");
    const again = runFleet(f.root, ["run", "--until-idle"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(f.task("greet")).toMatchObject({
      phase: "done",
      shipped: { commit: merged, merged_by: "content" },
    });
  });
});
