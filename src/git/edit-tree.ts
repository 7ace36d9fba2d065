/**
 * A new tree from an old one with a few paths changed, in one `git fast-import` process: it loads only
 * the trees along the changed paths (git-fast-import(1): trees are read lazily, a `M`/`D` touches the
 * trees on its path), so its cost grows with the folders touched, not with the repository. No index is
 * read or written. fast-import needs a commit to hold the tree: it makes a throwaway one on a ref that
 * `reset` leaves unborn, so no ref is written (the commit stays as an unreachable object, which
 * `git gc` prunes like any other), and prints the new root tree (`ls :1 ""`) and the old one beside it. With fewer than `fastimport.unpackLimit` objects (default 100) git writes them loose,
 * as `git add` would, not as a pack per commit.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { FleetError } from "../errors.js";
import { gitText } from "./run-git.js";

/** One change: a file (its bytes and git mode), or a deletion of a file or a whole folder. */
export type TreeEdit =
  | { kind: "put"; path: string; mode: "100644" | "100755" | "120000"; data: Buffer }
  | { kind: "delete"; path: string };

/** `p` as a fast-import path: C-quoted, every byte outside printable ASCII and `"`/`\` as octal. */
function quotePath(p: string): string {
  let out = '"';
  for (const byte of Buffer.from(p, "utf8")) {
    if (byte < 0x20 || byte >= 0x7f || byte === 0x22 || byte === 0x5c)
      out += `\\${byte.toString(8).padStart(3, "0")}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/**
 * The edits that make a tree hold what the work tree at `root` has at `rel` (a path relative to it):
 * a file's bytes, a symbolic link as a link, a folder as a deletion of the folder followed by every
 * file in it (what `git add -A -- <folder>` records). A missing path is a deletion when `deletable`,
 * else no edit. @throws FleetError("invalid") when a folder on the way to `rel` is a symbolic link
 * (git refuses a path "beyond a symbolic link"; so do we).
 */
export function workTreeEdits(root: string, rel: string, deletable: boolean): TreeEdit[] {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join("/");
    try {
      if (lstatSync(path.join(root, dir)).isSymbolicLink())
        throw new FleetError("invalid", `refusing to commit ${rel}: ${dir} is a symbolic link`, {
          hint: `Replace ${dir} with a real folder.`,
        });
    } catch (err) {
      if (err instanceof FleetError) throw err;
      return deletable ? [{ kind: "delete", path: rel }] : [];
    }
  }
  const abs = path.join(root, rel);
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(abs);
  } catch {
    return deletable ? [{ kind: "delete", path: rel }] : [];
  }
  if (st.isSymbolicLink())
    return [{ kind: "put", path: rel, mode: "120000", data: Buffer.from(readlinkSync(abs)) }];
  if (st.isFile())
    return [{ kind: "put", path: rel, mode: st.mode & 0o100 ? "100755" : "100644", data: readFileSync(abs) }];
  if (!st.isDirectory()) return [];
  const out: TreeEdit[] = [{ kind: "delete", path: rel }];
  for (const name of readdirSync(abs).sort()) out.push(...workTreeEdits(root, `${rel}/${name}`, false));
  return out;
}

/** What {@link editTree} made: the new root tree and the old commit's root tree (null without one). */
export interface EditedTree {
  tree: string;
  oldTree: string | null;
}

/**
 * Applies `edits` to the tree of commit `head` (null: start empty) in the repository at `cwd`.
 * @throws GitError when fast-import fails.
 */
export async function editTree(
  cwd: string,
  head: string | null,
  edits: readonly TreeEdit[],
): Promise<EditedTree> {
  const chunks: Buffer[] = [];
  const line = (s: string) => chunks.push(Buffer.from(`${s}\n`, "utf8"));
  line("commit refs/fleet/edit-tree");
  line("mark :1");
  line("committer fleet <fleet> 0 +0000");
  line("data 0");
  if (head) line(`from ${head}`);
  for (const e of edits) {
    if (e.kind === "delete") line(`D ${quotePath(e.path)}`);
    else {
      line(`M ${e.mode} inline ${quotePath(e.path)}`);
      line(`data ${e.data.length}`);
      chunks.push(e.data);
      line("");
    }
  }
  line("");
  line('ls :1 ""');
  if (head) line(`ls ${head} ""`);
  // A branch reset without `from` is unborn again: fast-import writes no ref for it.
  line("reset refs/fleet/edit-tree");
  line("");
  line("done");
  const out = await gitText(["fast-import", "--quiet", "--done"], { cwd, input: Buffer.concat(chunks) });
  const trees = out.split("\n").map((l) => /^040000 tree ([0-9a-f]+)(\t|$)/.exec(l)?.[1]);
  const tree = trees[0];
  if (!tree)
    throw new FleetError("git", `git fast-import printed no tree: ${JSON.stringify(out.slice(0, 200))}`);
  return { tree, oldTree: head ? (trees[1] ?? null) : null };
}
