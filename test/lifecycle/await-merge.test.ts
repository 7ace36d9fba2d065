import { describe, expect, it } from "vitest";
import { isAwaitingMerge, markBranchGone, markMerged } from "../../src/lifecycle/await-merge.js";
import { decide } from "../../src/lifecycle/decide.js";
import { describeState, retryTask } from "../../src/lifecycle/person-actions.js";
import { personEvent, stateKey } from "../../src/lifecycle/person-events.js";
import { eventOfOutcome } from "../../src/lifecycle/run-transitions.js";
import { nextCommandHint, yourTurn } from "../../src/lifecycle/your-turn.js";
import { configSchema } from "../../src/store/schemas/config.js";
import { taskSchema } from "../../src/store/schemas/task.js";
import { makeTask } from "../helpers/fleet-fixtures.js";
import { input, task } from "./decide-fixture.js";

const NOW = "2026-12-01T20:00:00Z";
const review = {
  branch: "fleet/a",
  commit: "c".repeat(40),
  parent: "b".repeat(40),
  remote: "origin",
  pushed: "2026-12-01T19:00:00Z",
  pr: null,
  pr_note: null,
  gone: null,
};
const waiting = () => makeTask({ id: "a", phase: "ship", status: "awaiting-merge", review_branch: review });

describe("config.md ship: and remote:", () => {
  it("defaults to mode push, no pull request, no remote; takes branch mode with open_pr", () => {
    expect(configSchema.parse({}).ship).toEqual({ mode: "push", open_pr: false, batch: 1 });
    expect(configSchema.parse({}).remote).toBeNull();
    expect(configSchema.parse({ ship: { mode: "branch", open_pr: true }, remote: "origin" })).toMatchObject({
      ship: { mode: "branch", open_pr: true },
      remote: "origin",
    });
  });

  it("refuses an unknown mode, an unknown key and a remote that could be read as an option", () => {
    const problems = (v: unknown) => configSchema.safeParse(v).error?.issues.map((i) => i.path.join("."));
    expect(problems({ ship: { mode: "merge" } })).toEqual(["ship.mode"]);
    expect(problems({ ship: { mode: "branch", open_pull: true } })).toEqual(["ship"]);
    expect(problems({ remote: "--upload-pack=evil" })).toEqual(["remote"]);
  });
});

describe("review_branch in a task file", () => {
  it("refuses a remote that git would read as an option, and a branch outside fleet/", () => {
    const parse = (over: Record<string, unknown>) =>
      taskSchema
        .safeParse({ id: "a", title: "A", review_branch: { ...review, ...over } })
        .error?.issues.map((i) => i.path.join("."));
    expect(parse({})).toBeUndefined();
    expect(parse({ remote: "--upload-pack=touch /tmp/x" })).toEqual(["review_branch.remote"]);
    expect(parse({ branch: "main" })).toEqual(["review_branch.branch"]);
    expect(parse({ commit: "HEAD" })).toEqual(["review_branch.commit"]);
  });
});

describe("ship / awaiting-merge", () => {
  it("is never started by decide", () => {
    const tasks = [task("a", { phase: "ship", status: "awaiting-merge" })];
    expect(decide(input(tasks))).toEqual({ start: [], waiting: [] });
  });

  it("is the person's turn: review and merge the branch; once it is gone, retry or drop", () => {
    const t = waiting();
    expect(yourTurn(t)).toEqual({
      waitsFor: "a change to review and merge: fleet/a on origin",
      commands: ["fleet show a", 'fleet drop a -m "…"'],
      step: "review and merge fleet/a",
    });
    expect(nextCommandHint(t)).toBe("your turn: review and merge fleet/a");
    const pr = { ...t, review_branch: { ...review, pr: "https://github.com/o/r/pull/3" } };
    expect(yourTurn(pr)?.waitsFor).toBe(
      "a change to review and merge: fleet/a on origin (https://github.com/o/r/pull/3)",
    );
    const gone = markBranchGone(t, NOW, "origin", "main");
    expect(yourTurn(gone)).toEqual({
      waitsFor: "fleet/a is gone from origin and was not merged",
      commands: ["fleet retry a", 'fleet drop a -m "…"'],
    });
  });

  it("notifies when it starts waiting, and again when the branch goes", () => {
    const t = waiting();
    expect(personEvent(t)).toMatchObject({ kind: "awaiting-merge", next: "fleet show a" });
    const gone = markBranchGone(t, NOW, "origin", "main");
    expect(stateKey(gone)).not.toBe(stateKey(t));
    expect(personEvent(gone)).toMatchObject({
      kind: "awaiting-merge",
      message: "a (Task a): fleet/a is gone from origin and was not merged",
      next: "fleet retry a",
    });
  });

  it("goes to done with shipped.merged_by when merged; stays when the branch is gone or back", () => {
    const t = waiting();
    expect(isAwaitingMerge(t)).toBe(true);
    const done = markMerged(t, "d".repeat(40), "trailer", NOW);
    expect(describeState(done)).toBe("done / ready");
    expect(done.shipped).toEqual({ commit: "d".repeat(40), at: NOW, merged_by: "trailer" });
    const gone = markBranchGone(t, NOW, "origin", "main");
    expect(describeState(gone)).toBe("ship / awaiting-merge");
    expect(gone.review_branch?.gone).toBe(NOW);
    expect(gone.reason).toMatch(/^fleet\/a is gone from origin and main does not hold the change/);
    const back = markBranchGone(gone, null, "origin", "main");
    expect(back.review_branch?.gone).toBeNull();
    expect(back.reason).toBeNull();
  });

  it("can be retried: back to ship / ready, which pushes the branch again", () => {
    const t = retryTask(markBranchGone(waiting(), NOW, "origin", "main"), NOW);
    expect(describeState(t)).toBe("ship / ready");
    expect(t.review_branch?.commit).toBe(review.commit);
    expect(() => retryTask(makeTask({ id: "a", phase: "ship", status: "running" }), NOW)).toThrow(
      /only failed/,
    );
  });

  it("names the audit event of a landing that left it waiting `pushed`", () => {
    expect(eventOfOutcome("ship", "finished", { status: "awaiting-merge", question: null })).toBe("pushed");
    expect(eventOfOutcome("ship", "finished", { status: "ready", question: null })).toBe("shipped");
  });
});
