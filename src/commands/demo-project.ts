/**
 * The files of `fleet demo`: a tiny string library (`textkit`) with its own `node --test` suite and
 * package.json scripts, the fleet setup that drives it with `runner: script` agents (no model, no
 * key, no network), and two ideas whose ` ```fleet-script ` blocks say what the scripted agents do.
 * Plain data: `demo.ts` writes it.
 */

/** The project before gitfleet: path → content. */
export const LIBRARY: Record<string, string> = {
  "package.json": `${JSON.stringify(
    {
      name: "textkit",
      version: "1.0.0",
      description: "Small string helpers (the gitfleet demo project).",
      type: "module",
      private: true,
      main: "src/index.js",
      scripts: {
        build: "node scripts/build.mjs",
        test: "node --test test/",
        start: "node scripts/serve.mjs",
      },
    },
    null,
    2,
  )}\n`,
  ".gitignore": "node_modules/\ndist/\n",
  "README.md":
    "# textkit\n\nSmall string helpers. `npm test` runs the suite; `npm run build` writes `dist/`.\n",
  "src/index.js": 'export { capitalize } from "./capitalize.js";\n',
  "src/capitalize.js": [
    "/** `capitalize('ada')` → `'Ada'`. */",
    "export function capitalize(word) {",
    "  return word.charAt(0).toUpperCase() + word.slice(1);",
    "}",
    "",
  ].join("\n"),
  "test/capitalize.test.mjs": [
    'import assert from "node:assert/strict";',
    'import { test } from "node:test";',
    'import { capitalize } from "../src/index.js";',
    "",
    'test("capitalize upper-cases the first letter", () => {',
    '  assert.equal(capitalize("ada"), "Ada");',
    '  assert.equal(capitalize(""), "");',
    "});",
    "",
  ].join("\n"),
  "scripts/build.mjs": [
    "// Loads every export of the package (a syntax or import error fails the build) and writes dist/.",
    'import { mkdirSync, writeFileSync } from "node:fs";',
    'const lib = await import("../src/index.js");',
    "const names = Object.keys(lib).sort();",
    'mkdirSync("dist", { recursive: true });',
    'writeFileSync("dist/exports.json", JSON.stringify(names) + "\\n");',
    'console.log("built textkit: exports " + names.join(", "));',
    "",
  ].join("\n"),
  "scripts/serve.mjs": [
    "// A tiny HTTP service over the library: GET /health answers 200 with the exported names.",
    'import { createServer } from "node:http";',
    'const lib = await import("../src/index.js");',
    "const port = Number(process.env.PORT ?? 3000);",
    "createServer((req, res) => {",
    '  if (req.url !== "/health") return res.writeHead(404).end();',
    '  res.writeHead(200, { "content-type": "application/json" });',
    '  res.end(JSON.stringify({ status: "ok", exports: Object.keys(lib) }));',
    '}).listen(port, "127.0.0.1", () => console.log("textkit service on port " + port));',
    "",
  ].join("\n"),
};

const agent = (role: string) => `---\nrunner: script\ntimeout: 2m\nidle_timeout: 1m\n---\n${role}\n`;

/** `.fleet/` files the demo writes over what `fleet init` made: path under `.fleet/` → content. */
export const FLEET_SETUP: Record<string, string> = {
  "config.md": `---
# The demo's settings. Agents are \`runner: script\`: deterministic, no model, no network.
base: main
concurrency: 2
# Two attempts per phase, so the demo ends quickly.
max_attempts: 2
rescan: 30s
# textkit has no dependencies, so a fresh checkout needs no install step.
setup: null
agents: { research: researcher, plan: planner, implement: implementer, review: reviewer }
gates:
  implement: [build, test, review, acceptance, health]
  ship: [test, acceptance]
review:
  plan: person
  ship: { files_over: 20, paths: [] }
protected: [".github/**", "package.json"]
---
The demo project. Every gate runs in a clean checkout of the candidate commit.
`,
  "agents/researcher.md": agent("You are the researcher. (A script plays you in the demo.)"),
  "agents/planner.md": agent("You are the planner. (A script plays you in the demo.)"),
  "agents/implementer.md": agent("You are the implementer. (A script plays you in the demo.)"),
  "agents/reviewer.md": agent("You are a skeptical reviewer. (A script plays you in the demo.)"),
  "gates/review.md": `---
kind: agent
agent: reviewer
timeout: 2m
---
A skeptical reviewer reads the plan and the diff and approves or asks for changes.
`,
  "gates/health.md": `---
kind: health
start: node scripts/serve.mjs
url: http://127.0.0.1:{port}/health
expect: 200
ready_timeout: 20s
timeout: 1m
---
Starts the service from the candidate on a free port and expects 200 from /health.
`,
};

const FENCE = "```";

/** The idea that ships: right on the second attempt, after the acceptance check's feedback. */
export const GREET_IDEA = `# Add a greet() helper

textkit should greet people by name: \`greet("Ada")\` returns \`"Hello, Ada!"\`, exported from the
package entry point, with a unit test.

${FENCE}fleet-script
research: |
  # Findings
  - \`src/index.js\` re-exports each helper from its own module; tests live in \`test/\`.
  - There is no \`greet\` yet.
plan:
  output: |
    # Plan
    1. Add \`src/greet.js\` exporting \`greet(name)\`, returning \`Hello, <name>!\`.
    2. Re-export it from \`src/index.js\`.
    3. Add \`test/greet.test.mjs\`.
  acceptance:
    checks:
      - id: AC1
        says: "greet('Ada') returns 'Hello, Ada!' from the package entry point"
        run: node --test .fleet/acceptance/add-greet/greet.accept.mjs
    files:
      greet.accept.mjs: |
        import assert from "node:assert/strict";
        import { test } from "node:test";
        import { greet } from "../../../src/index.js";
        test("AC1: greet('Ada')", () => assert.equal(greet("Ada"), "Hello, Ada!"));
implement:
  - attempt: 1
    say: "wrote greet(), guessing at the wording"
    write:
      src/greet.js: |
        export function greet(name) {
          return "Hi " + name;
        }
      src/index.js: |
        export { capitalize } from "./capitalize.js";
        export { greet } from "./greet.js";
      test/greet.test.mjs: |
        import assert from "node:assert/strict";
        import { test } from "node:test";
        import { greet } from "../src/index.js";
        test("greet names the person", () => assert.match(greet("Ada"), /Ada/));
  - when: "Acceptance check AC1 failed"
    say: "read the acceptance feedback: the greeting must be 'Hello, <name>!'"
    write:
      src/greet.js: |
        /** \`greet('Ada')\` → \`'Hello, Ada!'\`. */
        export function greet(name) {
          return "Hello, " + name + "!";
        }
      test/greet.test.mjs: |
        import assert from "node:assert/strict";
        import { test } from "node:test";
        import { greet } from "../src/index.js";
        test("greet says hello to the person", () => assert.equal(greet("Ada"), "Hello, Ada!"));
review:
  verdict: approve
  output: |
    The change is what the plan asked for: one module, exported, with a test.
${FENCE}
`;

/** The idea that fails: every attempt title-cases naively, and the acceptance check catches it. */
export const TITLE_IDEA = `# Title-case a sentence

\`titleCase("the lord of the rings")\` should return \`"The Lord of the Rings"\`: capitalise each
word except short joining words (a, an, and, of, the, …), which stay lower case unless they come first.

${FENCE}fleet-script
research: |
  # Findings
  - \`capitalize\` exists in \`src/capitalize.js\`; a title-case helper can build on it.
plan:
  output: |
    # Plan
    1. Add \`src/title-case.js\` exporting \`titleCase(sentence)\`.
    2. Keep a list of short words that stay lower case unless first.
    3. Add \`test/title-case.test.mjs\`.
  acceptance:
    checks:
      - id: AC1
        says: "titleCase('the lord of the rings') returns 'The Lord of the Rings'"
        run: node --test .fleet/acceptance/title-case/title-case.accept.mjs
    files:
      title-case.accept.mjs: |
        import assert from "node:assert/strict";
        import { test } from "node:test";
        import { titleCase } from "../../../src/title-case.js";
        test("AC1: short words stay lower case", () =>
          assert.equal(titleCase("the lord of the rings"), "The Lord of the Rings"));
implement:
  - say: "capitalised every word (the scripted agent never learns the short-word rule)"
    write:
      src/title-case.js: |
        import { capitalize } from "./capitalize.js";
        export function titleCase(sentence) {
          return sentence.split(" ").map(capitalize).join(" ");
        }
      test/title-case.test.mjs: |
        import assert from "node:assert/strict";
        import { test } from "node:test";
        import { titleCase } from "../src/title-case.js";
        test("titleCase capitalises words", () => assert.equal(titleCase("hello world"), "Hello World"));
review:
  verdict: approve
  output: |
    Reads fine to me. (The acceptance check, not the reviewer, decides.)
${FENCE}
`;

/** The two ideas, as files in `.fleet/queue/`: id → markdown with no frontmatter. */
export const IDEAS: Record<string, string> = { "add-greet": GREET_IDEA, "title-case": TITLE_IDEA };
