import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  APPROVAL_FIELDS,
  approvalHash,
  approvalState,
  recordHashContent,
} from "../../src/lifecycle/approval-hash.js";

describe("approvalHash", () => {
  it("is sha256 over path\\0content\\0 in path order", () => {
    const expected = createHash("sha256").update("a\0one\0b\0two\0").digest("hex");
    expect(
      approvalHash([
        { path: "b", content: "two" },
        { path: "a", content: "one" },
      ]),
    ).toBe(expected);
  });

  it("changes when any content, path or file set changes", () => {
    const base = [
      { path: "p", content: "x" },
      { path: "q", content: new Uint8Array([1, 2]) },
    ];
    const h = approvalHash(base);
    expect(
      approvalHash([{ path: "p", content: "y" }, base[1] as { path: string; content: Uint8Array }]),
    ).not.toBe(h);
    expect(
      approvalHash([{ path: "p2", content: "x" }, base[1] as { path: string; content: Uint8Array }]),
    ).not.toBe(h);
    expect(approvalHash([...base, { path: "r", content: "" }])).not.toBe(h);
    expect(approvalHash(base)).toBe(h);
  });

  it("cannot be fooled by moving text between a path and its content", () => {
    expect(approvalHash([{ path: "a", content: "bc" }])).not.toBe(
      approvalHash([{ path: "ab", content: "c" }]),
    );
  });
});

describe("recordHashContent", () => {
  it("ignores key order, nulls and the approval fields, but not values or the body", () => {
    const a = recordHashContent(
      { task: "t", agent: "planner", run: null, approval: { by: "x" } },
      "body\n",
      APPROVAL_FIELDS,
    );
    const b = recordHashContent(
      { agent: "planner", task: "t", rejection: { reason: "no" } },
      "body\n",
      APPROVAL_FIELDS,
    );
    expect(a).toBe(b);
    expect(recordHashContent({ task: "t", agent: "other" }, "body\n", APPROVAL_FIELDS)).not.toBe(a);
    expect(recordHashContent({ task: "t", agent: "planner" }, "body!\n", APPROVAL_FIELDS)).not.toBe(a);
  });

  it("sorts nested keys but keeps list order", () => {
    const one = recordHashContent(
      {
        checks: [
          { id: "A", run: "x" },
          { id: "B", run: "y" },
        ],
      },
      "",
    );
    expect(
      recordHashContent(
        {
          checks: [
            { run: "x", id: "A" },
            { run: "y", id: "B" },
          ],
        },
        "",
      ),
    ).toBe(one);
    expect(
      recordHashContent(
        {
          checks: [
            { id: "B", run: "y" },
            { id: "A", run: "x" },
          ],
        },
        "",
      ),
    ).not.toBe(one);
  });
});

it("approvalState tells none, valid and voided apart", () => {
  expect(approvalState(null, "h")).toBe("none");
  expect(approvalState({ sha256: "h" }, "h")).toBe("valid");
  expect(approvalState({ sha256: "h" }, "other")).toBe("voided");
});
