// The board's and the report's figures for `npm run bench` (issue 13): `fleet board` over the fixture's
// tasks — time to listen, first paint in headless chromium (navigation to the board drawn), and the
// latency from a task file written and committed to its card redrawn in the page — and `fleet report`
// over a night of 200 tasks with run records. Prints; asserts nothing. Without chromium the browser
// figures are skipped (say so), the others still print.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { makeRepoWithTasks } from "./fixtures.mjs";

const CHROMIUM = process.env.FLEET_CHROMIUM ?? "/usr/bin/chromium";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (label, value) => console.log(`${label.padEnd(44)} ${value}`);

function startBoard(root, cli) {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, "board", "--no-open"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
      const m = /fleet board: (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1], ms: performance.now() - started });
    });
    child.once("exit", (code) => reject(new Error(`fleet board exited ${code}: ${out}`)));
  });
}

async function benchBrowser(root, board, count) {
  if (!existsSync(CHROMIUM)) {
    line("board first paint / live update", `skipped: no chromium at ${CHROMIUM}`);
    return;
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
  try {
    const paints = [];
    for (let i = 0; i < 5; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const t0 = performance.now();
      await page.goto(board.url);
      await page.waitForSelector("body[data-ready] .column .card");
      paints.push(performance.now() - t0);
      await page.close();
    }
    line(
      `board first paint (${count} tasks)`,
      `median ${median(paints).toFixed(0).padStart(5)} ms   (target ≤ 1000 ms)`,
    );
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(board.url);
    await page.waitForSelector("body[data-ready] .column .card");
    const queue = path.join(root, ".fleet", "queue");
    // Cards drawn on the page (a column shows its first 100), still drafts: each is made ready once.
    const ids = await page.$$eval('.column[data-phase="idea"] .card[data-status="draft"]', (els) =>
      els.slice(0, 7).map((e) => e.dataset.id),
    );
    const lags = [];
    for (const id of ids) {
      const file = path.join(queue, `${id}.md`);
      writeFileSync(file, readFileSync(file, "utf8").replace("status: draft", "status: ready"));
      execFileSync("git", ["commit", "-q", "-m", `ready ${id}`, "--", file], { cwd: root });
      const committed = performance.now();
      await page.waitForSelector(`.card[data-id="${id}"][data-status="ready"]`, { timeout: 10_000 });
      lags.push(performance.now() - committed);
    }
    line(
      "board live update, after the commit",
      `median ${median(lags).toFixed(0).padStart(5)} ms   max ${Math.max(...lags).toFixed(0)} ms   (target ≤ 500 ms)`,
    );
  } finally {
    await browser.close();
  }
}

/** A night of 200 tasks: three runs each in the last hours, the done ones shipped. */
function nightRepo() {
  const root = makeRepoWithTasks(200);
  const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
  const queue = path.join(root, ".fleet", "queue");
  for (const name of readdirSync(queue)) {
    const id = name.slice(0, -3);
    const file = path.join(queue, name);
    let text = readFileSync(file, "utf8").replace(/updated: .*/, `updated: ${iso(now - 60_000)}`);
    if (text.includes("phase: done"))
      text = text.replace("---\nWhy", `shipped: { commit: ${head}, at: ${iso(now - 120_000)} }\n---\nWhy`);
    writeFileSync(file, text);
    mkdirSync(path.join(root, ".fleet", "runs", id), { recursive: true });
    ["research", "plan", "implement"].forEach((phase, i) => {
      const started = now - (3 - i) * 3_600_000;
      writeFileSync(
        path.join(root, ".fleet", "runs", id, `${i + 1}-${phase}.md`),
        `---\ntask: ${id}\nseq: ${i + 1}\nphase: ${phase}\nagent: bench\nattempt: 1\nepoch: ${i + 1}\nstarted: ${iso(started)}\nfinished: ${iso(started + 90_000)}\nduration_ms: 90000\noutcome: ${i === 2 && id.endsWith("0") ? "try-later" : "finished"}\ncost: { usd: 0.12, input_tokens: 1000, output_tokens: 200 }\n---\n`,
      );
    });
  }
  execFileSync("git", ["add", "-A"], { cwd: root });
  execFileSync("git", ["commit", "-q", "-m", "a night"], { cwd: root });
  return root;
}

/** Called by run.mjs with the 10,000-task fixture. */
export async function benchBoard({ root, cli, count, report, measure }) {
  const board = await startBoard(root, cli);
  try {
    line(`fleet board: listening (${count} tasks)`, `${board.ms.toFixed(0).padStart(5)} ms`);
    await benchBrowser(root, board, count);
  } finally {
    board.child.kill("SIGTERM");
  }
  const night = nightRepo();
  try {
    report(
      "fleet report --json (200 tasks, 600 runs)",
      Array.from({ length: 7 }, () => measure(night, ["report", "--json"])),
      "≤ 500 ms",
    );
  } finally {
    execFileSync("rm", ["-rf", night]);
  }
}
