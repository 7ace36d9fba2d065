/**
 * The board in a real browser: the built `fleet board` and `fleet watch` as subprocesses on a temp
 * repository, headless chromium through playwright-core. Screenshots: test-artifacts/board/.
 */
import { describe, expect, it } from "vitest";
import { readApprovalInputs } from "../../src/commands/approval-inputs.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readPlan } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { startFleet } from "../e2e/daemon-helpers.js";
import { commitFleetDir, writePlanFiles, writeTaskFile } from "../helpers/fleet-fixtures.js";
import { fleetOk } from "../helpers/run-fleet.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";
import { openPage, screenshot, startBoardProcess } from "./browser.js";

/** A repository after `fleet init`, with scripted agents and no gates, so the daemon is quick. */
function fleetRepo(): string {
  const root = tempRepo();
  fleetOk(root, ["init", "--no-check"]);
  writeFile(root, ".fleet/config.md", "---\nrescan: 2s\ngates: { implement: [], ship: [] }\n---\n");
  for (const name of ["researcher", "planner", "implementer"]) {
    writeFile(root, `.fleet/agents/${name}.md`, `---\nrunner: script\n---\nYou are the ${name}.\n`);
  }
  commitFleetDir(root, "quick gates");
  return root;
}

function state(root: string, id: string): string {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`task ${id} does not load`);
  return `${r.task.record.phase} / ${r.task.record.status}`;
}

const card = (id: string) => `.card[data-id="${id}"]`;

describe("fleet board in a browser", () => {
  it("shows an idea, marks it ready, moves it live while the daemon runs, and approves its plan with a click", async () => {
    const root = fleetRepo();
    const idea = fleetOk(root, ["idea", "Greet <img src=x onerror=alert(1)> people", "--json"]);
    const id = (JSON.parse(idea.stdout) as { id: string }).id;
    const board = await startBoardProcess(root);
    const page = await openPage();
    await page.goto(board.url);
    await page.waitForSelector("body[data-ready]");
    await page.waitForSelector(`.column[data-phase="idea"] ${card(id)}`);
    expect(await page.textContent(`.column ${card(id)} .title`)).toBe(
      "Greet <img src=x onerror=alert(1)> people",
    );
    expect(await page.locator("#columns img").count()).toBe(0);
    await screenshot(page, "1-board-idea");

    await page.click(`.column ${card(id)}`);
    await page.click("button.act-ready");
    await page.waitForSelector(".message.ok");
    expect(await page.textContent(".message.ok")).toMatch(
      /idea \/ draft → idea \/ ready — commit [0-9a-f]{12}/,
    );
    expect(gitOut(root, "log", "-1", "--format=%an <%ae>|%(trailers:key=Fleet-Event,valueonly)")).toBe(
      "Ada Lovelace <ada@example.com>|ready",
    );
    await page.click("#task .close");

    const daemon = startFleet(root, ["watch"]);
    // Research, then plan: the card walks across the columns without a reload.
    await page
      .waitForSelector(`.column[data-phase="plan"] ${card(id)}[data-status="awaiting-approval"]`, {
        timeout: 45_000,
      })
      .catch((err: Error) => {
        throw new Error(`${err.message}\nstate: ${state(root, id)}\ndaemon:\n${daemon.out()}${daemon.err()}`);
      });
    expect(await page.locator(`#needs-you ${card(id)}`).count()).toBe(1);
    await screenshot(page, "2-board-awaiting-approval");

    await page.click(`#needs-you .card[data-id="${id}"]`);
    await page.waitForSelector('[data-testid="proposal"] .d2h-file-wrapper');
    const shown = (await page.textContent('[data-testid="sha256"]'))?.trim();
    expect(shown).toBe(readApprovalInputs(fleetPaths(root), id).sha256);
    await screenshot(page, "3-task-plan-diff");
    await page.click("button.act-approve");
    await page.waitForSelector(".message");
    const said = (await page.textContent(".message")) ?? "";
    expect(said, said).toMatch(
      /^approve: plan \/ awaiting-approval → implement \/ ready — commit [0-9a-f]{12}$/,
    );
    expect(readPlan(fleetPaths(root), id)?.record.approval?.sha256).toBe(shown);
    const approved = gitOut(root, "log", "--format=%an|%s", `--grep=^Fleet-Event: approved$`);
    expect(approved).toMatch(/^Ada Lovelace\|fleet\(plan\): \S+ approved/);

    await page.click("#task .close");
    await page.waitForSelector("#task", { state: "hidden" });
    await page.waitForSelector(`.column[data-phase="done"] ${card(id)}`, { timeout: 45_000 });
    expect(state(root, id)).toBe("done / ready");
    await screenshot(page, "4-board-done");
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited, daemon.out() + daemon.err()).toBe(0);
  });

  it("rejects a plan with a reason, and refuses to approve a plan that changed since the page showed it", async () => {
    const root = fleetRepo();
    writeTaskFile(root, { id: "a", title: "Rate-limit", phase: "plan", status: "awaiting-approval" });
    writePlanFiles(root, "a");
    writeTaskFile(root, { id: "b", title: "Cache", phase: "plan", status: "awaiting-approval" });
    writePlanFiles(root, "b");
    commitFleetDir(root);
    const board = await startBoardProcess(root);
    const page = await openPage();
    await page.goto(`${board.url}#task/a`);
    await page.waitForSelector("form.act-reject");
    await page.fill("form.act-reject textarea", "Limit per API key, not per IP.");
    await page.click("form.act-reject button");
    await page.waitForSelector(".message.ok");
    expect(state(root, "a")).toBe("plan / ready");
    expect(readPlan(fleetPaths(root), "a")?.record.rejection?.reason).toBe("Limit per API key, not per IP.");
    expect(gitOut(root, "log", "-1", "--format=%an|%(trailers:key=Fleet-Event,valueonly)")).toBe(
      "Ada Lovelace|rejected",
    );
    await screenshot(page, "5-rejected");

    await page.goto(`${board.url}#task/b`);
    await page.waitForSelector("button.act-approve");
    const head = gitOut(root, "rev-parse", "HEAD");
    writeFile(root, ".fleet/plans/b.md", "---\ntask: b\n---\n1. Something else entirely.\n");
    await page.waitForSelector("text=The plan changed since you opened it");
    await page.click("button.act-approve");
    await page.waitForSelector(".message.error >> text=changed since you read it");
    expect(state(root, "b")).toBe("plan / awaiting-approval");
    expect(gitOut(root, "rev-parse", "HEAD")).toBe(head);
    await screenshot(page, "6-approve-refused");
  });

  it("answers an agent's question", async () => {
    const root = fleetRepo();
    writeTaskFile(root, {
      id: "q",
      title: "Pick a store",
      phase: "research",
      status: "blocked",
      question: "Redis or Postgres?",
    });
    commitFleetDir(root);
    const board = await startBoardProcess(root);
    const page = await openPage();
    await page.goto(board.url);
    await page.waitForSelector('#needs-you .card[data-id="q"]');
    expect(await page.textContent("#needs-you")).toBe(
      "Waiting for you (1)Pick a storeqblockedanswer: Redis or Postgres?",
    );
    await page.click('#needs-you .card[data-id="q"]');
    expect(await page.textContent("#task .question")).toContain("Redis or Postgres?");
    await page.fill("form.act-answer textarea", "Postgres: we already run it.");
    await page.click("form.act-answer button");
    await page.waitForSelector(".message.ok");
    expect(state(root, "q")).toBe("research / ready");
    expect(gitOut(root, "log", "-1", "--format=%an|%(trailers:key=Fleet-Event,valueonly)")).toBe(
      "Ada Lovelace|answered",
    );
    await page.waitForSelector('#needs-you .card[data-id="q"]', { state: "detached" });
    await screenshot(page, "7-answered");
  });

  it("shows a fanned-out task's children and their states on its card, live", async () => {
    const root = fleetRepo();
    writeTaskFile(root, { id: "whole", title: "The whole", phase: "implement", status: "waiting-children" });
    writeTaskFile(root, { id: "part-a", title: "Part a", phase: "done", status: "ready", parent: "whole" });
    writeTaskFile(root, {
      id: "part-b",
      title: "Part b",
      phase: "plan",
      status: "awaiting-approval",
      parent: "whole",
    });
    commitFleetDir(root);
    const board = await startBoardProcess(root);
    const page = await openPage();
    await page.goto(board.url);
    await page.waitForSelector(`.column[data-phase="implement"] ${card("whole")} .children`);
    expect(await page.textContent(`.column ${card("whole")} .children`)).toBe(
      "children: 1/2 donepart-a: donepart-b: plan / awaiting-approval",
    );
    expect(await page.textContent(`.column ${card("whole")} .status`)).toBe("waiting-children");
    writeTaskFile(root, {
      id: "part-b",
      title: "Part b",
      phase: "implement",
      status: "running",
      parent: "whole",
    });
    await page.waitForSelector(`${card("whole")} .children >> text=part-b: implement / running`);
    await screenshot(page, "7-fan-out-children");
  });
});
