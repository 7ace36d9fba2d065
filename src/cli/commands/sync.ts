/** `fleet sync` — argv and printing; the work is in `src/remote/sync-clone.ts`. */
import { syncClone } from "../../remote/sync-clone.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";

export const usage = `Usage: fleet sync [--json]

With remote: <name> in .fleet/config.md: fetches the remote's base branch and claims, pushes this
clone's fleet commits (replayed onto the remote's tip if it moved; never forced), and brings the
local base branch along. The daemon does this at every rescan; commands that commit fleet state do it
right after. Only fleet commits are pushed: a commit of yours that is not on the remote stops it.

Options:
  --json   print {remote, base, published: {tip, pushed, fenced, dropped}}

Exit codes: 0 done (or no remote set) · 3 the remote is unknown · 4 a local commit is not fleet state, or the work tree is in the way · 6 git failed or the remote did not answer
`;

/** Runs `fleet sync`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand("sync", argv, { json: { type: "boolean" } }, { min: 0, max: 0, names: "" });
  const result = await syncClone(process.cwd());
  if (values.json) {
    printJson(result);
    return EXIT.ok;
  }
  if (!result.published) {
    printLines(["No remote: config.md has remote: null (this clone only)."]);
    return EXIT.ok;
  }
  const p = result.published;
  printLines([
    `${result.remote}/${result.base} and this clone agree at ${p.tip.slice(0, 12)}${p.pushed > 0 ? ` (${p.pushed} fleet commit(s) pushed)` : ""}.`,
    ...p.fenced.map(
      (f) => `  ${f.task}: the result of epoch ${f.epoch} was refused (another claim took the task)`,
    ),
    ...p.dropped.map(
      (d) =>
        `  ${d.slice(0, 12)}: conflicted with the remote's state and was dropped (kept as refs/fleet/dropped/${d})`,
    ),
  ]);
  return EXIT.ok;
}
