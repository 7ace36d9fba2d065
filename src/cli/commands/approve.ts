/** `fleet approve <id>` — argv and printing; the work is in `src/commands/approve.ts`. */
import { approve } from "../../commands/approve.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { changeLine, nextLine } from "./format.js";

export const usage = `Usage: fleet approve <id> [--yes] [--sha256 <hash>] [--json]

Approves what waits for you:
  - a plan (plan / awaiting-approval → implement / ready): records approval: {by, at, sha256} in
    .fleet/plans/<id>.md. The sha256 covers the plan, .fleet/acceptance/<id>.md and every file under
    .fleet/acceptance/<id>/, so any later change to them voids the approval. Review them first, e.g.
    \`git diff\` / \`fleet show <id>\`.
    A plan that fans out (.fleet/plans/<id>/children/<slug>.md, also covered by the sha256) is approved
    with its decomposition: each child becomes a task at plan / ready (parent: <id>) and the plan's task
    waits in implement / waiting-children until every child is done and its own checks pass on the base.
  - a plan changed after you approved it (in implement or ship): records the approval again.
  - a change held before ship (ship / awaiting-approval → ship / ready): records ship_approval.
Your git user.name and user.email are the "by". One commit (event: approved).
A plan with a weak check — one that runs no file of .fleet/acceptance/<id>/ and no file of the base
commit (\`true\`, \`exit 0\`, a test file the implementer will write) — is refused unless --yes.

Options:
  --yes            approve a plan even though some of its checks are weak (\`fleet show\` lists them)
  --sha256 <hash>  approve only if the plan's approval hash is still this one (the hash \`fleet show\`
                   printed when you read it): a plan that changed since is not approved (exit 4)
  --json           print {id, title, from, to, commit, approved: "plan" | "ship", sha256, weak: [check id],
                   children: [id of each child task made]}

Example:
  fleet show rate-limit-the-public-api-7k2q && fleet approve rate-limit-the-public-api-7k2q

Exit codes: 0 approved · 1 a file is invalid · 2 usage · 3 no such task or no git identity
            4 nothing to approve (wrong phase/status, no plan or acceptance file), or weak checks without --yes
`;

/** Runs `fleet approve`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "approve",
    argv,
    { json: { type: "boolean" }, yes: { type: "boolean" }, sha256: { type: "string" } },
    { min: 1, max: 1, names: "the task id" },
  );
  const result = await approve({
    cwd: process.cwd(),
    id: positionals[0] ?? "",
    yes: values.yes ?? false,
    ...(values.sha256 === undefined ? {} : { expectSha256: values.sha256 }),
  });
  if (values.json) printJson(result);
  else
    printLines([
      changeLine(result),
      `  ${result.approved} approved, sha256 ${result.sha256}`,
      ...(result.weak.length ? [`  approved with weak checks (--yes): ${result.weak.join(", ")}`] : []),
      ...(result.children.length ? [`  child tasks: ${result.children.join(", ")}`] : []),
      ...[nextLine(result.id, result.to)].filter((l): l is string => l !== null),
    ]);
  return EXIT.ok;
}
