/**
 * Rebasing a task's branch onto the current base branch, as one squashed commit. `git merge-tree
 * --write-tree` merges the branch into the base tip entirely in the object store — no work tree is
 * touched, so the person's checkout and the agent's worktree are safe whatever happens — and the
 * result becomes a single commit whose parent is the base tip: exactly what rebasing the squashed
 * change would give. The base branch gets one commit per task with a message we write, so nothing an
 * agent put in its own commit messages (a forged `Fleet-Event:` trailer) ever reaches it.
 *
 * On a conflict the base tip is merged into the task's branch anyway, with the conflict markers
 * committed, so the next implement attempt starts from the current base and resolves them in place.
 */
import { FleetError } from "../errors.js";
import { gitIdentity, type Repo } from "../git/repo.js";
import { git, gitText } from "../git/run-git.js";

/** The outcome of {@link squashOnto}. */
export type SquashResult =
  /** `commit` has the base tip as its only parent; `empty` when it changes nothing. */
  | { kind: "clean"; commit: string; empty: boolean }
  /** The paths git could not merge, and its own messages about them. */
  | { kind: "conflict"; paths: string[]; messages: string; tree: string };

/** Environment that gives commit-tree an identity when the repository has none configured. */
export async function identityEnv(cwd: string): Promise<Record<string, string>> {
  if (await gitIdentity(cwd)) return {};
  return {
    GIT_AUTHOR_NAME: "gitfleet",
    GIT_AUTHOR_EMAIL: "fleet@localhost",
    GIT_COMMITTER_NAME: "gitfleet",
    GIT_COMMITTER_EMAIL: "fleet@localhost",
  };
}

/** Writes a commit of `tree` with `parents` and `message`. @returns its sha. */
export async function commitTree(
  repo: Repo,
  tree: string,
  parents: readonly string[],
  message: string,
): Promise<string> {
  const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"];
  return gitText(args, { cwd: repo.root, input: message, env: await identityEnv(repo.root) });
}

/**
 * Merges `branchTip` into `baseTip` in the object store and, when clean, commits the result on top of
 * `baseTip` with `message`.
 * @throws GitError when git fails for another reason than a conflict.
 */
export async function squashOnto(
  repo: Repo,
  opts: { branchTip: string; baseTip: string; message: string },
): Promise<SquashResult> {
  const out = await git(
    ["merge-tree", "--write-tree", "-z", "--name-only", "--no-messages", opts.baseTip, opts.branchTip],
    { cwd: repo.root, okCodes: [1] },
  );
  const [head = ""] = out.stdout.split("\0\0");
  const [tree = "", ...paths] = head.split("\0").filter(Boolean);
  if (!/^[0-9a-f]{40}$/.test(tree)) {
    throw new FleetError("git", `git merge-tree gave no tree for ${opts.branchTip.slice(0, 12)}`);
  }
  if (out.exitCode === 1) {
    const verbose = await git(["merge-tree", "--write-tree", opts.baseTip, opts.branchTip], {
      cwd: repo.root,
      okCodes: [1],
    });
    const messages = verbose.stdout
      .split("\n")
      .filter((l) => /^(CONFLICT|Auto-merging|warning)/.test(l))
      .join("\n");
    return { kind: "conflict", paths: [...new Set(paths)].sort(), messages, tree };
  }
  const baseTree = await gitText(["rev-parse", `${opts.baseTip}^{tree}`], { cwd: repo.root });
  const commit = await commitTree(repo, tree, [opts.baseTip], opts.message);
  return { kind: "clean", commit, empty: tree === baseTree };
}

/**
 * Points branch `branch` at `to` if it is still at `from`. When a worktree has the branch checked out
 * it is reset there (index and files; untracked files stay), so the next implement attempt sees it.
 * @throws GitError when the branch moved meanwhile or git fails.
 */
export async function moveBranch(
  repo: Repo,
  branch: string,
  from: string,
  to: string,
  worktree: string | null,
): Promise<void> {
  await git(["update-ref", "-m", `fleet: ${branch}`, `refs/heads/${branch}`, to, from], { cwd: repo.root });
  if (worktree) await git(["reset", "-q", "--hard", to], { cwd: worktree });
}

/**
 * True when branch tip `tip` holds exactly the change whose implement gates passed on `judged`: it is
 * `judged` itself, or the squash an earlier ship made of it — one parent, and the very tree that
 * merging `judged` into that parent gives (a ship that moved the branch and then had to wait).
 * Decided from git objects only. @throws GitError when git fails unexpectedly.
 */
export async function holdsJudgedChange(repo: Repo, tip: string, judged: string): Promise<boolean> {
  if (tip === judged) return true;
  const parents = (await gitText(["rev-list", "--parents", "-1", tip], { cwd: repo.root }))
    .split(" ")
    .slice(1);
  const [parent] = parents;
  if (parents.length !== 1 || !parent) return false;
  const out = await git(
    ["merge-tree", "--write-tree", "-z", "--name-only", "--no-messages", parent, judged],
    {
      cwd: repo.root,
      okCodes: [1],
    },
  );
  if (out.exitCode !== 0) return false;
  const tree = out.stdout.split("\0")[0] ?? "";
  return tree === (await gitText(["rev-parse", `${tip}^{tree}`], { cwd: repo.root }));
}
