import { describe, expect, it } from "vitest";
import { FrontmatterError, parseFrontmatter, stringifyFrontmatter } from "../../src/store/frontmatter.js";

describe("parseFrontmatter", () => {
  it("splits YAML and body, keeping dates as strings", () => {
    const parsed = parseFrontmatter(
      "---\nid: a\ncreated: 2026-11-20T21:04:00Z\nday: 2026-11-20\n---\n# Title\n\nBody\n",
    );
    expect(parsed).toEqual({
      data: { id: "a", created: "2026-11-20T21:04:00Z", day: "2026-11-20" },
      body: "# Title\n\nBody\n",
      hasFrontmatter: true,
    });
  });

  it("treats a file with no fence as all body", () => {
    expect(parseFrontmatter("# Just an idea\n")).toEqual({
      data: {},
      body: "# Just an idea\n",
      hasFrontmatter: false,
    });
  });

  it("refuses a ---js block without evaluating it", () => {
    const marker = "__fleet_frontmatter_evaluated__";
    const text = `---js\n{ title: (globalThis.${marker} = true, "x") }\n---\nbody\n`;
    expect(() => parseFrontmatter(text)).toThrow(FrontmatterError);
    expect(() => parseFrontmatter(text)).toThrow(/---js.*not allowed/);
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });

  it("refuses custom YAML tags such as !!js/function", () => {
    expect(() => parseFrontmatter('---\nx: !!js/function "function(){}"\n---\n')).toThrow(FrontmatterError);
  });

  it("reports the line of a YAML syntax error and an unclosed block", () => {
    try {
      parseFrontmatter("---\nid: a\ntitle: [unclosed\n---\n");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FrontmatterError);
      expect((err as FrontmatterError).line).toBeGreaterThanOrEqual(3);
    }
    expect(() => parseFrontmatter("---\nid: a\n")).toThrow(/no closing ---/);
  });

  it("handles CRLF line endings and a BOM", () => {
    expect(parseFrontmatter("\ufeff---\r\nid: a\r\n---\r\nbody\r\n").data).toEqual({ id: "a" });
  });
});

describe("stringifyFrontmatter", () => {
  it("orders keys, omits undefined, and round-trips to identical bytes", () => {
    const text = stringifyFrontmatter(
      { title: "T", id: "a", extra: undefined, touches: ["src/**"], cost: { usd: 0.5 } },
      "Body\n\nmore\n",
      { keyOrder: ["id", "title"], flowLevel: 1 },
    );
    expect(text).toBe("---\nid: a\ntitle: T\ntouches: [src/**]\ncost: {usd: 0.5}\n---\nBody\n\nmore\n");
    const again = parseFrontmatter(text);
    expect(
      stringifyFrontmatter(again.data as Record<string, unknown>, again.body, {
        keyOrder: ["id", "title"],
        flowLevel: 1,
      }),
    ).toBe(text);
  });

  it("quotes strings that YAML would read as other types, and keeps a leading blank body line", () => {
    const data = { a: "yes", b: "123", c: "null", d: "2026-11-20", e: "a: b" };
    const text = stringifyFrontmatter(data, "\nafter a blank line\n");
    const back = parseFrontmatter(text);
    expect(back.data).toEqual(data);
    expect(back.body).toBe("\nafter a blank line\n");
  });
});
