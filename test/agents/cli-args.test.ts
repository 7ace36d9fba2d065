/** The command lines the runners build, phase by phase (no process started). */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { aiderArgs } from "../../src/agents/aider.js";
import { claudeArgs, claudePolicy, rulePath } from "../../src/agents/claude-code.js";
import { codexArgs } from "../../src/agents/codex.js";
import { geminiArgs } from "../../src/agents/gemini.js";
import { makeRequest } from "./request.js";

function settingsOf(args: string[]): { permissions: { allow: string[]; deny: string[] } } {
  const i = args.indexOf("--settings");
  return JSON.parse(args[i + 1] ?? "{}");
}

describe("claude-code arguments", () => {
  it("anchors rules at the filesystem root and escapes glob characters", () => {
    expect(rulePath("/tmp/out dir")).toBe("//tmp/out dir/**");
    expect(rulePath("/tmp/a*b[1]")).toBe("//tmp/a\\*b\\[1\\]/**");
  });

  it("research and plan: read tools and writes only into the output folder, never the checkout", () => {
    for (const phase of ["research", "plan", "review"] as const) {
      const policy = claudePolicy(phase, "/repo/checkout", "/git/fleet/out");
      expect(policy.tools).toEqual(["Read", "Glob", "Grep", "Write", "Edit"]);
      expect(policy.allow).toEqual(["Read(//git/fleet/out/**)", "Edit(//git/fleet/out/**)"]);
      expect(policy.deny).toEqual(["Edit(//repo/checkout/**)"]);
    }
  });

  it("implement: edits the worktree and runs Bash", () => {
    const policy = claudePolicy("implement", "/wt", "/out");
    expect(policy.tools).toContain("Bash");
    expect(policy.allow).toEqual(["Edit(//wt/**)", "Read(//out/**)", "Edit(//out/**)", "Bash"]);
    expect(policy.deny).toEqual([]);
  });

  it("builds -p stream-json with model, turns, budget, dontAsk, settings and resume; never skips permissions", () => {
    const req = makeRequest(
      { runner: "claude-code", model: "claude-sonnet-4-5", max_turns: 30 },
      { maxBudgetUsd: 2.5 },
    );
    const args = claudeArgs(req, "0b3c");
    expect(args.slice(0, 4)).toEqual(["-p", "--output-format", "stream-json", "--verbose"]);
    expect(args).toEqual(
      expect.arrayContaining([
        "--model",
        "claude-sonnet-4-5",
        "--max-turns",
        "30",
        "--max-budget-usd",
        "2.5",
      ]),
    );
    expect(args.slice(args.indexOf("--permission-mode"), args.indexOf("--permission-mode") + 2)).toEqual([
      "--permission-mode",
      "dontAsk",
    ]);
    expect(args.slice(-2)).toEqual(["--resume", "0b3c"]);
    expect(settingsOf(args).permissions.allow).toHaveLength(2);
    expect(args.join(" ")).not.toContain("dangerously");
    expect(args).not.toContain(req.prompt); // the prompt goes on stdin
  });

  it("leaves out flags the agent file does not set", () => {
    const args = claudeArgs(makeRequest({ runner: "claude-code" }));
    expect(args).not.toContain("--model");
    expect(args).not.toContain("--max-turns");
    expect(args).not.toContain("--max-budget-usd");
    expect(args).not.toContain("--resume");
  });
});

describe("codex arguments", () => {
  it("research: workspace-write plus the output folder, /tmp taken away, no approvals", () => {
    const req = makeRequest({ runner: "codex", model: "gpt-5.5" });
    const args = codexArgs(req, {});
    expect(args.slice(0, 3)).toEqual(["exec", "--json", "--skip-git-repo-check"]);
    expect(args).toEqual(
      expect.arrayContaining(["--sandbox", "workspace-write", "--add-dir", path.resolve(req.outputDir)]),
    );
    expect(args).toEqual(
      expect.arrayContaining(["sandbox_workspace_write.exclude_slash_tmp=true", 'approval_policy="never"']),
    );
    expect(args).toEqual(expect.arrayContaining(["--model", "gpt-5.5"]));
    expect(args.at(-1)).toBe("-");
    expect(args.join(" ")).not.toContain("dangerously");
  });

  it("implement keeps /tmp; OPENAI_BASE_URL becomes a provider override", () => {
    const req = makeRequest({ runner: "codex" }, { phase: "implement" });
    const args = codexArgs(req, { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1"x' });
    expect(args.join(" ")).not.toContain("exclude_slash_tmp");
    expect(args).toContain('model_provider="fleet"');
    expect(args).toContain(
      'model_providers.fleet={ name = "fleet", base_url = "http://127.0.0.1:9/v1\\"x", env_key = "OPENAI_API_KEY", wire_api = "responses" }',
    );
  });
});

describe("gemini arguments", () => {
  it("JSON output, no trust prompt; auto_edit for research, yolo for implement; the output folder is in the workspace", () => {
    const research = makeRequest({ runner: "gemini", model: "gemini-2.5-pro" });
    expect(geminiArgs(research)).toEqual([
      "--skip-trust",
      "--output-format",
      "json",
      "--model",
      "gemini-2.5-pro",
      "--approval-mode",
      "auto_edit",
      "--include-directories",
      path.resolve(research.outputDir),
    ]);
    const implement = makeRequest({ runner: "gemini" }, { phase: "implement" });
    expect(geminiArgs(implement)).toContain("yolo");
  });
});

describe("aider arguments", () => {
  it("scripting mode without commits or .gitignore edits; answer files handed over per phase", () => {
    const plan = makeRequest({ runner: "aider", model: "sonnet" }, { phase: "plan" });
    const args = aiderArgs(plan, "/p/msg.md");
    expect(args.slice(0, 2)).toEqual(["--message-file", "/p/msg.md"]);
    expect(args).toEqual(
      expect.arrayContaining(["--yes-always", "--no-auto-commits", "--no-gitignore", "--analytics-disable"]),
    );
    expect(args).toEqual(
      expect.arrayContaining([
        "--model",
        "sonnet",
        "--file",
        path.join(path.resolve(plan.outputDir), "plan.md"),
        path.join(path.resolve(plan.outputDir), "acceptance.md"),
      ]),
    );
    expect(aiderArgs(makeRequest({ runner: "aider" }, { phase: "implement" }), "/m")).not.toContain("--file");
  });
});
