import { chmodSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { baseDelta, changedPathsOf, findMerge } from "../../src/coordinator/find-merge.js";
import { git } from "../gates/fixture.js";
import { gitOut, tempDir, writeFile } from "../helpers/temp-repo.js";
import {
  awaitingTask,
  branchConfig,
  branchProject,
  mergeWatch,
  TASK,
  taskNow,
} from "./ship-branch-fixture.js";
import { ship, shipTaskRecord } from "./ship-fixture.js";

const remoteRef = (cwd: string) =>
  gitOut(cwd, "ls-remote", "origin", `refs/heads/fleet/${TASK}`).split("\t")[0] ?? "";

describe("ship with ship.mode: branch, remote over git://", () => {
  it("pushes the gated squash as fleet/<id> and leaves both bases alone", async () => {
    const { root, repo, base, person } = await branchProject({ remote: true });
    const outcome = await ship(repo, { cfg: branchConfig("origin") });
    expect(outcome.kind).toBe("pushed");
    if (outcome.kind !== "pushed" || !person) return;
    const r = outcome.review;
    expect(r).toMatchObject({
      branch: `fleet/${TASK}`,
      remote: "origin",
      parent: base,
      pr: null,
      gone: null,
    });
    expect(outcome.gates.map((g) => [g.gate, g.verdict])).toEqual([
      ["test", "pass"],
      ["acceptance", "pass"],
    ]);
    expect(remoteRef(root)).toBe(r.commit);
    expect(gitOut(root, "rev-parse", "main")).toBe(base);
    expect(gitOut(person, "ls-remote", "origin", "refs/heads/main").split("\t")[0]).toBe(base);
    expect(gitOut(root, "log", "-1", "--format=%(trailers:key=Fleet-Event,valueonly)", r.commit)).toBe(
      "merged",
    );
    expect(gitOut(root, "rev-parse", `fleet/${TASK}`)).toBe(r.commit);
  });

  it("is done once a person squash-merges the branch with a message of their own (seen by content)", async () => {
    const { root, repo, person } = await branchProject({ remote: true });
    const outcome = await ship(repo, { cfg: branchConfig("origin") });
    if (outcome.kind !== "pushed" || !person) throw new Error(`not pushed: ${outcome.kind}`);
    await awaitingTask(root, outcome.review);
    const watch = mergeWatch(repo, "origin");
    await watch.check();
    expect(taskNow(root).status).toBe("awaiting-merge");

    git(person, "fetch", "-q", "origin");
    writeFile(person, "NOTES.md", "Grace was here first\n");
    git(person, "add", "NOTES.md");
    git(person, "commit", "-qm", "a person's own commit");
    git(person, "merge", "-q", "--squash", `origin/fleet/${TASK}`);
    git(person, "commit", "-qm", "Greet Ada (#12)");
    git(person, "push", "-q", "origin", "main");
    const merged = gitOut(person, "rev-parse", "HEAD");

    await watch.check();
    const task = taskNow(root);
    expect(task.phase).toBe("done");
    expect(task.shipped).toMatchObject({ commit: merged, merged_by: "content" });
    expect(gitOut(root, "log", "-1", "--format=%s", "main")).toBe(
      `fleet(ship): ${TASK} shipped — Greet Ada properly`,
    );
    expect(gitOut(root, "branch", "--list", `fleet/${TASK}`)).toBe("");
    expect(watch.events.map((e) => e.event)).toEqual(["shipped"]);
  });

  it("is done once the branch is rebased onto a moved base (new id, our trailers) and pushed", async () => {
    const { root, repo, person } = await branchProject({ remote: true });
    const outcome = await ship(repo, { cfg: branchConfig("origin") });
    if (outcome.kind !== "pushed" || !person) throw new Error(`not pushed: ${outcome.kind}`);
    await awaitingTask(root, outcome.review);
    git(person, "fetch", "-q", "origin");
    writeFile(person, "NOTES.md", "meanwhile\n");
    git(person, "add", "NOTES.md");
    git(person, "commit", "-qm", "meanwhile on main");
    git(person, "cherry-pick", `origin/fleet/${TASK}`);
    // …and a later commit changes the same file again: the content no longer matches, the trailer does.
    writeFile(person, "src/greet.js", 'export const greet = (n) => "Hello, " + n + "!";\n');
    git(person, "commit", "-qam", "tidy greet");
    git(person, "push", "-q", "origin", "main");
    const rebased = gitOut(person, "rev-parse", "HEAD~1");
    expect(rebased).not.toBe(outcome.review.commit);

    const watch = mergeWatch(repo, "origin");
    await watch.check();
    expect(taskNow(root)).toMatchObject({
      phase: "done",
      shipped: { commit: rebased, merged_by: "trailer" },
    });
  });

  it("is done on a plain merge commit (the pushed commit itself on the base)", async () => {
    const { root, repo, person } = await branchProject({ remote: true });
    const outcome = await ship(repo, { cfg: branchConfig("origin") });
    if (outcome.kind !== "pushed" || !person) throw new Error(`not pushed: ${outcome.kind}`);
    await awaitingTask(root, outcome.review);
    const watch = mergeWatch(repo, "origin");
    await watch.check();
    git(person, "fetch", "-q", "origin");
    git(person, "merge", "-q", "--no-ff", "-m", "Merge pull request #12", `origin/fleet/${TASK}`);
    git(person, "push", "-q", "origin", "main");
    // The whole-range look sees it too, not only the look at what the base gained since the last tick.
    const tip = gitOut(person, "rev-parse", "HEAD");
    git(root, "fetch", "-q", "origin", "main");
    const changed = await changedPathsOf(repo, outcome.review);
    expect(changed).toEqual(["src/greet.js"]);
    expect(await findMerge(repo, TASK, outcome.review, tip, changed)).toEqual({
      commit: outcome.review.commit,
      by: "ancestor",
    });
    await watch.check();
    expect(taskNow(root)).toMatchObject({
      phase: "done",
      shipped: { commit: outcome.review.commit, merged_by: "ancestor" },
    });
  });

  it("keeps waiting when the branch is deleted unmerged, says so once, and a re-ship pushes it again", async () => {
    const { root, repo, person } = await branchProject({ remote: true });
    const outcome = await ship(repo, { cfg: branchConfig("origin") });
    if (outcome.kind !== "pushed" || !person) throw new Error(`not pushed: ${outcome.kind}`);
    await awaitingTask(root, outcome.review);
    git(person, "push", "-q", "origin", `:refs/heads/fleet/${TASK}`);
    const watch = mergeWatch(repo, "origin");
    await watch.check();
    const gone = taskNow(root);
    expect(gone.status).toBe("awaiting-merge");
    expect(gone.review_branch?.gone).toMatch(/^\d{4}-/);
    expect(gone.reason).toContain(`fleet/${TASK} is gone from origin`);
    expect(gone.reason).toContain(`fleet retry ${TASK}`);
    expect(gitOut(root, "log", "-1", "--format=%s", "main")).toBe(
      `fleet(ship): ${TASK} branch-gone — Greet Ada properly`,
    );
    const commits = gitOut(root, "rev-list", "--count", "main");
    await watch.check();
    expect(gitOut(root, "rev-list", "--count", "main")).toBe(commits);
    expect(watch.events.map((e) => e.event)).toEqual(["branch-gone"]);

    // `fleet retry` sends it back to ship / ready; the ship pushes the branch again.
    const again = await ship(repo, {
      cfg: branchConfig("origin"),
      task: { ...shipTaskRecord(), review_branch: gone.review_branch },
    });
    expect(again.kind).toBe("pushed");
    if (again.kind !== "pushed") return;
    expect(remoteRef(root)).toBe(again.review.commit);
  });

  it("never replaces a push to fleet/<id> that is not ours", async () => {
    const { root, repo, person } = await branchProject({ remote: true });
    const outcome = await ship(repo, { cfg: branchConfig("origin") });
    if (outcome.kind !== "pushed" || !person) throw new Error(`not pushed: ${outcome.kind}`);
    git(person, "fetch", "-q", "origin");
    git(person, "checkout", "-q", "-b", "mine", `origin/fleet/${TASK}`);
    writeFile(person, "NOTES.md", "Grace's fixup\n");
    git(person, "add", "NOTES.md");
    git(person, "commit", "-qm", "fixup by Grace");
    git(person, "push", "-q", "origin", `mine:refs/heads/fleet/${TASK}`);
    const hers = gitOut(person, "rev-parse", "HEAD");
    const task = { ...shipTaskRecord(), review_branch: outcome.review };
    const again = await ship(repo, { cfg: branchConfig("origin"), task });
    expect(again.kind).toBe("blocked");
    if (again.kind !== "blocked") return;
    expect(again.reason).toContain("which gitfleet did not push");
    expect(remoteRef(root)).toBe(hers);
  });

  it("waits (no attempt) when the remote cannot be reached", async () => {
    const { repo, daemon } = await branchProject({ remote: true });
    await daemon?.stop();
    const outcome = await ship(repo, { cfg: branchConfig("origin") });
    expect(outcome.kind).toBe("waiting");
    if (outcome.kind === "waiting") expect(outcome.reason).toContain("origin");
  });
});

describe("ship with ship.mode: branch and remote: null", () => {
  it("leaves fleet/<id> in the clone; a local squash merge with git's own message is seen by its trailer", async () => {
    const { root, repo, base } = await branchProject({ remote: false });
    const outcome = await ship(repo, { cfg: branchConfig(null) });
    if (outcome.kind !== "pushed") throw new Error(`not pushed: ${outcome.kind}`);
    expect(outcome.review).toMatchObject({ remote: null, parent: base });
    expect(gitOut(root, "rev-parse", "main")).toBe(base);
    expect(gitOut(root, "rev-parse", `fleet/${TASK}`)).toBe(outcome.review.commit);
    await awaitingTask(root, outcome.review);
    const watch = mergeWatch(repo, null);
    await watch.check();
    expect(taskNow(root).phase).toBe("ship");
    git(root, "merge", "-q", "--squash", `fleet/${TASK}`);
    git(root, "commit", "-q", "--no-edit");
    await watch.check();
    expect(taskNow(root)).toMatchObject({ phase: "done", shipped: { merged_by: "trailer" } });
  });

  it("looks at the whole range again when the base was rewritten since the last look", async () => {
    const { root, repo } = await branchProject({ remote: false });
    const outcome = await ship(repo, { cfg: branchConfig(null) });
    if (outcome.kind !== "pushed") throw new Error(`not pushed: ${outcome.kind}`);
    await awaitingTask(root, outcome.review);
    writeFile(root, "OOPS.md", "pushed by mistake\n");
    git(root, "add", "OOPS.md");
    git(root, "commit", "-qm", "oops");
    const oops = gitOut(root, "rev-parse", "main");
    const watch = mergeWatch(repo, null);
    await watch.check();
    git(root, "reset", "-q", "--hard", "HEAD~1");
    expect(await baseDelta(repo, oops, gitOut(root, "rev-parse", "main"))).toBeNull();
    git(root, "merge", "-q", "--squash", `fleet/${TASK}`);
    git(root, "commit", "-q", "--no-edit");
    await watch.check();
    expect(taskNow(root)).toMatchObject({ phase: "done", shipped: { merged_by: "trailer" } });
  });

  it("notices a deleted local branch", async () => {
    const { root, repo } = await branchProject({ remote: false });
    const outcome = await ship(repo, { cfg: branchConfig(null) });
    if (outcome.kind !== "pushed") throw new Error(`not pushed: ${outcome.kind}`);
    await awaitingTask(root, outcome.review);
    git(root, "branch", "-D", `fleet/${TASK}`);
    await mergeWatch(repo, null).check();
    expect(taskNow(root).reason).toContain(`fleet/${TASK} is gone from this clone`);
  });
});

describe("ship.open_pr", () => {
  /** A stand-in for GitHub's CLI: records its argv (one per line) and the body file, as gh would read it. */
  function fakeGh(opts: { loggedIn: boolean }): { bin: string; log: string } {
    const bin = tempDir("fake-gh-");
    const log = path.join(bin, "calls.log");
    const script = writeFile(
      bin,
      "gh",
      `#!/bin/sh
printf '%s\\n' "$@" "--" >> "${log}"
if [ "$1" = auth ]; then
  ${opts.loggedIn ? "echo 'Logged in to github.com' >&2; exit 0" : "echo 'You are not logged into any GitHub hosts.' >&2; exit 1"}
fi
for a in "$@"; do case "$a" in --body-file=*) cp "\${a#--body-file=}" "${bin}/body.md";; esac; done
echo "Creating pull request for fleet/${TASK} into main"
echo "https://github.com/example/project/pull/12"
`,
    );
    chmodSync(script, 0o755);
    return { bin, log };
  }

  it("opens the pull request with gh when it is logged in: head, base, title, the plan as body", async () => {
    const { root, repo } = await branchProject({ remote: true });
    writeFile(
      root,
      `.fleet/plans/${TASK}.md`,
      "---\ntask: greet-ada\n---\n# Plan\n\nMake greet say Hello.\n",
    );
    git(root, "add", ".fleet/plans");
    git(root, "commit", "-qm", "plan");
    const gh = fakeGh({ loggedIn: true });
    const outcome = await ship(repo, {
      cfg: branchConfig("origin", { open_pr: true }),
      parentEnv: { ...process.env, PATH: `${gh.bin}:${process.env.PATH}` },
    });
    if (outcome.kind !== "pushed") throw new Error(`not pushed: ${outcome.kind}`);
    expect(outcome.review.pr).toBe("https://github.com/example/project/pull/12");
    expect(outcome.review.pr_note).toBeNull();
    const calls = readFileSync(gh.log, "utf8")
      .split("--\n")
      .filter(Boolean)
      .map((c) => c.trim().split("\n"));
    expect(calls[0]).toEqual(["auth", "status"]);
    expect(calls[1]?.slice(0, 5)).toEqual([
      "pr",
      "create",
      `--head=fleet/${TASK}`,
      "--base=main",
      "--title=Greet Ada properly",
    ]);
    expect(calls[1]?.[5]).toMatch(/^--body-file=/);
    const body = readFileSync(path.join(gh.bin, "body.md"), "utf8");
    expect(body).toContain("# Plan\n\nMake greet say Hello.");
    expect(body).not.toContain("task: greet-ada");
  });

  it("still awaits the merge, saying why, when gh is not logged in", async () => {
    const { repo } = await branchProject({ remote: true });
    const gh = fakeGh({ loggedIn: false });
    const outcome = await ship(repo, {
      cfg: branchConfig("origin", { open_pr: true }),
      parentEnv: { ...process.env, PATH: `${gh.bin}:${process.env.PATH}` },
    });
    if (outcome.kind !== "pushed") throw new Error(`not pushed: ${outcome.kind}`);
    expect(outcome.review.pr).toBeNull();
    expect(outcome.review.pr_note).toContain("gh is not logged in");
    expect(readFileSync(gh.log, "utf8")).not.toContain("create");
  });
});

describe("openPullRequest", () => {
  it("says gh is not installed when it is not on PATH", async () => {
    const { openPullRequest } = await import("../../src/remote/open-pull-request.js");
    const result = await openPullRequest({
      cwd: tempDir(),
      head: `fleet/${TASK}`,
      base: "main",
      title: "t",
      body: "b",
      env: { PATH: tempDir() },
    });
    expect(result).toEqual({
      kind: "not-opened",
      why: "gh (the GitHub CLI) is not installed here (not on PATH)",
    });
  });
});
