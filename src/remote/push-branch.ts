/**
 * The remote (design.md §5): the one push a branch-mode ship makes. May touch the git remote named in
 * config.md `remote:` (push, through the hardened `run-git.ts`), nothing else.
 */
import { git } from "../git/run-git.js";

/** How a push of a review branch went. */
export type PushBranchResult =
  | { kind: "pushed" }
  /** The remote refused it: the branch is no longer at `expect` (someone else pushed), or a hook said no. */
  | { kind: "refused"; reason: string }
  /** The remote could not be reached or git failed otherwise; nothing is known to have changed. */
  | { kind: "failed"; reason: string };

/**
 * Pushes `commit` to `refs/heads/<branch>` on `remote`, only if the branch there is still `expect` (the
 * commit we pushed last; null = it must not exist): `git push --porcelain --force-with-lease=<ref>:<expect>
 * <remote> <commit>:<ref>`. A re-ship thereby replaces our own push and never someone else's.
 * `remote` is a remote name validated by the config schema (it cannot start with `-`).
 * @returns what happened; never throws for a refusal or an unreachable remote.
 */
export async function pushBranch(
  cwd: string,
  opts: { remote: string; branch: string; commit: string; expect: string | null },
): Promise<PushBranchResult> {
  const ref = `refs/heads/${opts.branch}`;
  const out = await git(
    [
      "push",
      "--porcelain",
      "--no-verify",
      `--force-with-lease=${ref}:${opts.expect ?? ""}`,
      opts.remote,
      `${opts.commit}:${ref}`,
    ],
    { cwd, okCodes: [1, 128] },
  );
  const line = out.stdout
    .split("\n")
    .find((l) => l.includes(`\t${opts.commit}:${ref}\t`) || l.endsWith(`:${ref}`));
  const flag = line?.[0];
  if (out.exitCode === 0 && (flag === "*" || flag === "+" || flag === " " || flag === "="))
    return { kind: "pushed" };
  const said = (line?.split("\t")[2] ?? out.stderr.trim().split("\n").slice(-2).join(" ")).slice(0, 300);
  if (flag === "!")
    return { kind: "refused", reason: `${opts.remote} refused ${ref}: ${said || "rejected"}` };
  return {
    kind: "failed",
    reason: `pushing ${ref} to ${opts.remote} failed (exit ${out.exitCode}): ${said || "no message"}`,
  };
}
