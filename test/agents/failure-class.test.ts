import { describe, expect, it } from "vitest";
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  backoffMs,
  classifyFailureText,
  classifyHttpStatus,
  retryAfterFromText,
} from "../../src/agents/failure-class.js";
import { makeRedactor, secretValues } from "../../src/agents/redact.js";

describe("classifyFailureText", () => {
  it.each([
    ["API Error: Request rejected (429) · rate limited", "try-later"],
    ["exceeded retry limit, last status: 429 Too Many Requests", "try-later"],
    ["Quota exceeded. Check your plan and billing details.", "try-later"],
    ["You’ve hit your usage limit. Try again later.", "try-later"],
    ["Claude AI usage limit reached|1795300000", "try-later"],
    ["API Error: 529 Overloaded", "try-later"],
    ["We’re currently experiencing high demand, which may cause temporary errors.", "try-later"],
    ["litellm.RateLimitError: AnthropicException - rate_limit_error", "try-later"],
    ["Invalid API key · Fix external API key", "auth"],
    ["Not logged in · Please run /login", "auth"],
    ["unexpected status 401 Unauthorized: Incorrect API key provided", "auth"],
    ["Missing environment variable: `OPENAI_API_KEY`.", "auth"],
    ["API key not valid. Please pass a valid API key.", "auth"],
    ["TypeError: cannot read properties of undefined", null],
    ["tests failed: 3 of 10", null],
  ])("%s → %s", (text, kind) => {
    expect(classifyFailureText(text)).toBe(kind);
  });
});

describe("classifyHttpStatus", () => {
  it("maps statuses", () => {
    expect(classifyHttpStatus(429)).toBe("try-later");
    expect(classifyHttpStatus(529)).toBe("try-later");
    expect(classifyHttpStatus(503)).toBe("try-later");
    expect(classifyHttpStatus(401)).toBe("auth");
    expect(classifyHttpStatus(403)).toBe("auth");
    expect(classifyHttpStatus(400)).toBeNull();
    expect(classifyHttpStatus(null)).toBeNull();
  });
});

describe("retryAfterFromText", () => {
  const now = Date.UTC(2026, 10, 21, 3, 0, 0);
  it("reads waits in seconds, minutes, hours and milliseconds", () => {
    expect(retryAfterFromText("Please try again in 7s.", now)).toBe(7000);
    expect(retryAfterFromText("Rate limit reached. Please try again in 1.5 seconds", now)).toBe(1500);
    expect(retryAfterFromText("retry after 2 minutes", now)).toBe(120_000);
    expect(retryAfterFromText("limit resets in 3h", now)).toBe(3 * 3_600_000);
    expect(retryAfterFromText("try again in 250ms", now)).toBe(250);
  });
  it("reads Claude's usage-limit reset time", () => {
    expect(retryAfterFromText(`Claude AI usage limit reached|${now / 1000 + 600}`, now)).toBe(600_000);
  });
  it("is null when the text names no wait", () => {
    expect(retryAfterFromText("exceeded retry limit, last status: 429 Too Many Requests", now)).toBeNull();
  });
});

describe("backoffMs", () => {
  it("doubles from one minute up to an hour, never below the hint", () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n))).toEqual([1, 2, 4, 8].map((m) => m * BACKOFF_BASE_MS));
    expect(backoffMs(20)).toBe(BACKOFF_MAX_MS);
    expect(backoffMs(1, 5 * 60_000)).toBe(5 * 60_000);
    expect(backoffMs(3, 1000)).toBe(4 * BACKOFF_BASE_MS);
  });
});

describe("makeRedactor", () => {
  it("replaces secret env values and key shapes, leaves ordinary text alone", () => {
    const redact = makeRedactor({
      ANTHROPIC_API_KEY: "my-very-own-key-123",
      GITHUB_TOKEN: "tok-abcdefgh",
      LANG: "C.UTF-8-long-enough",
      SHORT_KEY: "abc",
    });
    const text =
      "key my-very-own-key-123, tok-abcdefgh, C.UTF-8-long-enough, abc, sk-ant-api03-XYZxyz0123456789, " +
      "sk-proj-ABCDEFGHIJKLMNOPQRSTUV, AIzaSyA-0123456789abcdefghijklmnopqrstu, Authorization: Bearer abcdefghijklmnopqrstuvwx";
    const out = redact(text);
    expect(out).toContain("[redacted:ANTHROPIC_API_KEY]");
    expect(out).toContain("[redacted:GITHUB_TOKEN]");
    expect(out).toContain("C.UTF-8-long-enough"); // LANG is not a secret name
    expect(out).toContain(", abc,"); // too short to redact by value
    expect(out).toContain("[redacted:anthropic-key]");
    expect(out).toContain("[redacted:openai-key]");
    expect(out).toContain("[redacted:google-key]");
    expect(out).toContain("Bearer [redacted:bearer]");
    expect(out).not.toMatch(/my-very-own|sk-ant-api03|sk-proj-ABC|AIzaSy|abcdefghijklmnopqrstuvwx/);
  });
  it("replaces a longer secret whole even when it contains a shorter one", () => {
    expect(secretValues({ A_KEY: "abcdefgh", B_KEY: "abcdefgh-and-more" }).map(([n]) => n)).toEqual([
      "B_KEY",
      "A_KEY",
    ]);
    expect(makeRedactor({ A_KEY: "abcdefgh", B_KEY: "abcdefgh-and-more" })("abcdefgh-and-more")).toBe(
      "[redacted:B_KEY]",
    );
  });
});
