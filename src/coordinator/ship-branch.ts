/**
 * Ship as a branch for review (config.md `ship: { mode: branch }`, design.md §5): where a push-mode ship
 * would advance the base branch, the squashed, gated commit is offered as branch `fleet/<id>` instead —
 * pushed to `remote:` under a lease on what we pushed there last (a re-ship replaces our own branch, never
 * someone else's push), or, with `remote: null`, left in this clone where the ship already put it. With
 * `ship.open_pr` a pull request is opened through `gh` (remote only). The task then waits at
 * `ship / awaiting-merge`; await-merge.ts sees when the base holds the change.
 */
import type { Repo } from "../git/repo.js";
import { git } from "../git/run-git.js";
import { openPullRequest } from "../remote/open-pull-request.js";
import { pushBranch } from "../remote/push-branch.js";
import { readRemoteRef } from "../remote/read-remote-ref.js";
import { assertValidId } from "../store/ids.js";
import { nowTimestamp } from "../store/phases.js";
import type { Config } from "../store/schemas/config.js";
import type { ReviewBranch } from "../store/schemas/review-branch.js";
import type { Task } from "../store/schemas/task.js";

/** How offering the branch went. */
export type BranchShipEnd =
  | { kind: "pushed"; review: ReviewBranch }
  /** The remote could not be reached: nothing changed there, try again later. */
  | { kind: "waiting"; reason: string }
  /** The branch on the remote is someone else's, or the remote refused: a person must look. */
  | { kind: "blocked"; reason: string };

/** True when `sha` is a commit in this clone whose message names `taskId`'s squashed change. */
export async function isSquashOf(repo: Repo, sha: string, taskId: string): Promise<boolean> {
  const out = await git(["log", "-1", "--format=%B", sha, "--"], { cwd: repo.root, okCodes: [128] });
  if (out.exitCode !== 0) return false;
  const lines = out.stdout.split("\n").map((l) => l.trim());
  return lines.includes(`Fleet-Task: ${assertValidId(taskId)}`) && lines.includes("Fleet-Event: merged");
}

/** True when commit `a` is in this clone and an ancestor of (or equal to) `b`. */
async function isAncestor(repo: Repo, a: string, b: string): Promise<boolean> {
  const out = await git(["merge-base", "--is-ancestor", a, b], { cwd: repo.root, okCodes: [1, 128] });
  return out.exitCode === 0;
}

/** The plan of `taskId` as committed at `commit`, without its frontmatter, for a pull request's body. */
async function planBody(repo: Repo, commit: string, taskId: string): Promise<string> {
  const out = await git(["show", `${commit}:.fleet/plans/${assertValidId(taskId)}.md`], {
    cwd: repo.root,
    okCodes: [128],
  });
  const text = out.exitCode === 0 ? out.stdout.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, "").trim() : "";
  const footer = `---\nOpened by gitfleet for task \`${taskId}\`: merge it (a squash or rebase merge is fine) and the task is done.`;
  return `${text === "" ? "(no plan committed)" : text}\n\n${footer}\n`;
}

/**
 * Offers `commit` (squashed onto `parent`, gated) as branch `fleet/<task.id>`; see the module comment.
 * The local branch already points at `commit`. `env` is the daemon's environment (gh's login).
 * @throws GitError only when git fails unexpectedly in this clone.
 */
export async function shipAsBranch(opts: {
  repo: Repo;
  config: Config;
  task: Task;
  commit: string;
  parent: string;
  /** The local branch's tip before the ship moved it to `commit` (the judged change, or an earlier squash). */
  branchWas: string;
  env: NodeJS.ProcessEnv;
  now?: Date;
}): Promise<BranchShipEnd> {
  const { repo, config, task } = opts;
  const branch = `fleet/${assertValidId(task.id)}`;
  const ref = `refs/heads/${branch}`;
  const remote = config.remote;
  const previous = task.review_branch;
  if (remote) {
    let current: string | null;
    try {
      current = await readRemoteRef(repo.root, remote, ref);
    } catch (err) {
      return { kind: "waiting", reason: `could not read ${branch} on ${remote}: ${(err as Error).message}` };
    }
    // Ours: what we pushed for review before, or the task's own branch as the fleet pushed it after
    // implement (an ancestor of the local branch the ship started from) — not a person's later push.
    const ours =
      current === null ||
      current === opts.commit ||
      current === previous?.commit ||
      (await isAncestor(repo, current, opts.branchWas)) ||
      (await isSquashOf(repo, current, task.id));
    if (!ours && current)
      return {
        kind: "blocked",
        reason: `${branch} on ${remote} is at ${current.slice(0, 12)}, which gitfleet did not push (someone else pushed to it); delete that branch on ${remote} (or fetch what is there into your own branch) and run \`fleet ready ${task.id}\`, or \`fleet drop ${task.id} -m "…"\``,
      };
    const pushed = await pushBranch(repo.root, { remote, branch, commit: opts.commit, expect: current });
    if (pushed.kind === "failed") return { kind: "waiting", reason: pushed.reason };
    if (pushed.kind === "refused")
      return {
        kind: "blocked",
        reason: `${pushed.reason}; see why on ${remote}, then \`fleet ready ${task.id}\``,
      };
  }
  let pr = previous?.pr ?? null;
  let prNote: string | null = null;
  if (config.ship.open_pr && pr === null) {
    if (!remote) prNote = "no pull request: config.md `remote:` is null, so the branch stays in this clone";
    else {
      const opened = await openPullRequest({
        cwd: repo.root,
        head: branch,
        base: config.base,
        title: task.title,
        body: await planBody(repo, opts.parent, task.id),
        env: opts.env,
      });
      if (opened.kind === "opened") pr = opened.url;
      else prNote = `no pull request: ${opened.why}`;
    }
  }
  return {
    kind: "pushed",
    review: {
      branch,
      commit: opts.commit,
      parent: opts.parent,
      remote,
      pushed: nowTimestamp(opts.now),
      pr,
      pr_note: prNote,
      gone: null,
    },
  };
}
