/**
 * What the daemon does to and for agents, end to end: a hung agent (and its child) killed by the
 * inactivity timeout with nothing left behind; the daemon's secrets kept out of an agent's
 * environment; `fleet run --until-idle` draining the queue, and its exit code when a task fails.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { agentWorkDir } from "../../src/store/paths.js";
import { runFleet } from "../helpers/run-fleet.js";
import { gitOut } from "../helpers/temp-repo.js";
import { dropIdea, e2eFleet, isAlive, startFleet, stateOf, waitFor } from "./daemon-helpers.js";

describe("the daemon and its agents", () => {
  it("kills a hung agent and its children at the inactivity timeout and counts the attempt", async () => {
    const f = e2eFleet("max_attempts: 1\n", "idle_timeout: 1s\n");
    f.behave({ hang: ["stuck"] });
    dropIdea(f.root, "stuck");
    dropIdea(f.root, "fine");
    const d = startFleet(f.root);
    await waitFor("the hung task to fail", () => stateOf(f, "stuck") === "research / failed");
    await waitFor("the other one to go on", () => f.task("fine").phase === "plan");
    const lines = f.logLines();
    const agent = Number(lines.find((l) => l.startsWith("start stuck"))?.split(" ")[3]);
    const child = Number(lines.find((l) => l.startsWith("child stuck"))?.split(" ")[2]);
    expect(agent).toBeGreaterThan(0);
    expect(child).toBeGreaterThan(0);
    expect(isAlive(agent)).toBe(false);
    expect(isAlive(child)).toBe(false);
    const [run] = f.runs("stuck");
    expect(run?.record).toMatchObject({ outcome: "timeout", attempt: 1 });
    expect(f.task("stuck").reason).toMatch(/research failed 1 times; last: .*(idle|inactiv|output)/i);
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
  });

  it("does not let an agent see a secret from the daemon's environment", async () => {
    const f = e2eFleet();
    f.behave({ printEnv: true });
    dropIdea(f.root, "env");
    const d = startFleet(f.root, ["watch"], {
      FLEET_TEST_SECRET: "hunter2-do-not-leak",
      AWS_SECRET_ACCESS_KEY: "also-secret",
    });
    await waitFor("research done", () => f.task("env").phase === "plan");
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
    const [run] = f.runs("env");
    const transcript = readFileSync(path.join(f.root, ".git", run?.record.log ?? "missing"), "utf8");
    const line = transcript.split("\n").find((l) => l.startsWith("ENV ")) ?? "";
    const env = JSON.parse(line.slice(4)) as Record<string, string>;
    expect(env.FLEET_TASK_ID).toBe("env");
    expect(env.FLEET_PHASE).toBe("research");
    expect(env.FLEET_OUTPUT_DIR).toContain(path.join(agentWorkDir(path.join(f.root, ".git")), "outputs"));
    expect(
      Object.keys(env)
        .filter((k) => !k.startsWith("FLEET_"))
        .sort(),
    ).toEqual(["HOME", "LANG", "PATH"]);
    expect(transcript).not.toContain("hunter2");
    expect(transcript).not.toContain("also-secret");
    expect(readFileSync(path.join(f.root, ".fleet/research/env.md"), "utf8")).not.toContain(
      "FLEET_TEST_SECRET",
    );
  });

  it("fleet run --until-idle drains what can run and exits 0; it exits 1 when a task runs out of attempts", async () => {
    const f = e2eFleet("review: { plan: auto }\nmax_attempts: 2\n");
    dropIdea(f.root, "ok-one", "# from the support queue\nstatus: ready   # go ahead\n");
    dropIdea(f.root, "blocked-dep", "status: ready\ndepends_on: [nowhere]\n");
    const drained = runFleet(f.root, ["run", "--until-idle"]);
    expect(drained.code).toBe(0);
    expect(stateOf(f, "ok-one")).toBe("done / ready");
    // The person's comments survive every rewrite, up to the committed file.
    const committed = gitOut(f.root, "show", "HEAD:.fleet/queue/ok-one.md");
    expect(committed).toContain("# from the support queue\n");
    expect(committed).toMatch(/^status: ready {3}# go ahead$/m);
    expect(stateOf(f, "blocked-dep")).toBe("idea / ready");
    expect(drained.stdout).toMatch(/ok-one +implement +implementer +implemented/);

    f.behave({ fail: { bad: "plan" } });
    dropIdea(f.root, "bad");
    const failed = runFleet(f.root, ["run", "--until-idle"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("out of attempts: bad");
    expect(f.task("bad")).toMatchObject({
      phase: "plan",
      status: "failed",
      attempts: { research: 1, plan: 2 },
    });
    expect(gitOut(f.root, "status", "--porcelain")).toBe("");
  });
});
