import { describe, expect, it } from "vitest";
import { personEvent, stateKey } from "../../src/lifecycle/person-events.js";
import { configSchema } from "../../src/store/schemas/config.js";
import { makeTask } from "../helpers/fleet-fixtures.js";

describe("personEvent", () => {
  it("names what the person must do for each state that waits for them", () => {
    const of = (fields: Parameters<typeof makeTask>[0]) => personEvent(makeTask(fields));
    expect(of({ id: "a", phase: "plan", status: "awaiting-approval" })).toMatchObject({
      kind: "awaiting-approval",
      next: "fleet show a",
    });
    expect(of({ id: "a", phase: "ship", status: "awaiting-approval" })).toMatchObject({
      kind: "awaiting-approval",
      next: "fleet approve a",
    });
    expect(of({ id: "a", phase: "plan", status: "blocked", question: "Why?" })).toMatchObject({
      kind: "question",
      message: "a (Task a) asks: Why?",
    });
    expect(of({ id: "a", phase: "plan", status: "blocked", reason: "no sandbox" })).toMatchObject({
      kind: "blocked",
    });
    expect(of({ id: "a", phase: "implement", status: "failed" })).toMatchObject({
      kind: "failed",
      next: "fleet retry a",
    });
    expect(
      of({
        id: "a",
        phase: "done",
        status: "ready",
        shipped: { commit: "0123456789abc", at: "2026-11-21T03:00:00Z" },
      }),
    ).toMatchObject({
      kind: "shipped",
      message: "a (Task a) shipped as 0123456789",
    });
    expect(of({ id: "a", phase: "implement", status: "running" })).toBeNull();
  });

  it("counts a second question as a new state", () => {
    const t = makeTask({ id: "a", status: "blocked", question: "One?" });
    expect(stateKey(t)).not.toBe(stateKey({ ...t, question: "Two?" }));
  });
});

describe("notify: in config.md", () => {
  const parse = (notify: unknown) => configSchema.safeParse({ notify });
  it("reads an argv, one target or a list of targets as a list", () => {
    expect(configSchema.parse({}).notify).toEqual([]);
    expect(parse(["./ping.sh", "--quiet"]).data?.notify).toEqual([{ command: ["./ping.sh", "--quiet"] }]);
    expect(parse({ desktop: true }).data?.notify).toEqual([{ desktop: true }]);
    expect(
      parse([{ url: "https://chat.example/hook", events: ["shipped"] }, { desktop: true }]).data?.notify,
    ).toHaveLength(2);
  });

  it("refuses a target with none or two of command, desktop and url, and unknown events", () => {
    expect(parse({}).success).toBe(false);
    expect(parse({ desktop: true, url: "https://x.example" }).success).toBe(false);
    expect(parse({ url: "ftp://x" }).success).toBe(false);
    expect(parse({ desktop: true, events: ["lunch"] }).success).toBe(false);
  });
});
