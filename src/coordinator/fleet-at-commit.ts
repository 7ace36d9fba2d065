/**
 * `.fleet/` files as they are in one commit, for code that must judge by committed content rather
 * than the person's work tree: the chosen paths are written from git's objects into a private
 * temporary folder (listed by one `git ls-tree`, their contents read by one `git cat-file --batch`, so
 * no index is involved and the person's files are never touched), read there with the ordinary
 * readers, and removed afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Repo } from "../git/repo.js";
import { git, gitBytes } from "../git/run-git.js";
import { runtimePaths } from "../store/paths.js";

/**
 * Calls `read(root)` with a folder `root` holding exactly the files of `commit` under `pathspecs`
 * (literal paths relative to the repository root, each under `.fleet/`; a folder ends with `/`),
 * at their usual places; a path missing at `commit` is missing there too. The folder is removed
 * when `read` settles.
 * @throws GitError when `commit` is not a commit of `repo`; whatever `read` throws.
 */
export async function withFleetFilesAt<T>(
  repo: Repo,
  commit: string,
  pathspecs: readonly string[],
  read: (root: string) => T | Promise<T>,
): Promise<T> {
  const tmpRoot = path.join(runtimePaths(repo.commonDir).dir, "tmp");
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(path.join(tmpRoot, "at-"));
  try {
    const root = path.join(dir, "tree");
    mkdirSync(root);
    const listed = await git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", ...pathspecs], {
      cwd: repo.root,
      env: { GIT_LITERAL_PATHSPECS: "1" },
    });
    const entries: { mode: string; sha: string; rel: string }[] = [];
    for (const line of listed.stdout.split("\0")) {
      const m = /^(\d{6}) blob ([0-9a-f]+)\t(.+)$/s.exec(line);
      if (!m?.[1] || !m[2] || !m[3]) continue;
      const rel = m[3];
      // Only paths under .fleet/ with no `.`/`..` step land in the folder (git itself refuses others).
      if (!rel.startsWith(".fleet/") || rel.split("/").some((p) => p === "" || p === "." || p === ".."))
        continue;
      entries.push({ mode: m[1], sha: m[2], rel });
    }
    if (entries.length > 0) {
      const out = (
        await gitBytes(["cat-file", "--batch"], {
          cwd: repo.root,
          input: entries.map((e) => `${e.sha}\n`).join(""),
        })
      ).stdout;
      let at = 0;
      for (const e of entries) {
        const nl = out.indexOf(10, at);
        const size = Number(out.subarray(at, nl).toString("latin1").split(" ")[2]);
        const bytes = out.subarray(nl + 1, nl + 1 + size);
        at = nl + 1 + size + 1;
        const abs = path.join(root, e.rel);
        mkdirSync(path.dirname(abs), { recursive: true });
        if (e.mode === "120000") symlinkSync(bytes.toString("utf8"), abs);
        else writeFileSync(abs, bytes, { mode: e.mode === "100755" ? 0o755 : 0o644 });
      }
    }
    return await read(root);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
