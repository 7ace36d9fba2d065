import { chmodSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCommandAgent } from "../../src/agents/command.js";
import { getRunner } from "../../src/agents/index.js";
import { isProcessGroupAlive } from "../../src/agents/process-group.js";
import { tempDir, writeFile } from "../helpers/temp-repo.js";
import { isRunning, killQuietly, printedPids } from "./proc-helpers.js";
import { makeRequest } from "./request.js";

const leftovers: number[] = [];
afterEach(() => killQuietly(leftovers.splice(0)));

/** An executable shell script in a fresh folder, as an agent file would name it. */
function agentScript(body: string): { cwd: string; command: string[] } {
  const cwd = tempDir("fleet-checkout-");
  chmodSync(writeFile(cwd, "tools/agent.sh", `#!/bin/sh\n${body}\n`), 0o755);
  return { cwd, command: ["./tools/agent.sh"] };
}

describe("command runner", () => {
  it("passes only the allowlisted environment and the FLEET_ variables", async () => {
    const { cwd, command } = agentScript("env");
    const req = makeRequest(
      { runner: "command", command, env: ["ALLOWED_TOKEN"] },
      {
        cwd,
        parentEnv: { ...process.env, FLEET_TEST_SECRET: "hunter2-secret", ALLOWED_TOKEN: "let-me-in" },
      },
    );
    const r = await runCommandAgent(req);
    expect(r.outcome).toBe("finished");
    expect(r.exitCode).toBe(0);
    const log = readFileSync(req.logFile, "utf8");
    expect(log).not.toContain("hunter2-secret");
    expect(log).toContain("ALLOWED_TOKEN=let-me-in");
    expect(log).toContain("FLEET_TASK_ID=greet-ada-7k2q");
    expect(log).toContain("FLEET_PHASE=research");
    expect(log).toContain("FLEET_ATTEMPT=1");
    expect(log).toContain(`FLEET_OUTPUT_DIR=${req.outputDir}`);
    expect(log).toContain(`FLEET_PROMPT_FILE=${req.promptFile}`);
    expect(log).toMatch(
      /^=== \S+ task greet-ada-7k2q · research · attempt 1 · epoch 3 · agent tester \(command\)/,
    );
  });

  it("gives the prompt on stdin and in FLEET_PROMPT_FILE, in the right cwd, and the output dir exists", async () => {
    const { cwd, command } = agentScript(
      'cat > "$FLEET_OUTPUT_DIR/stdin.txt"; cp "$FLEET_PROMPT_FILE" "$FLEET_OUTPUT_DIR/file.txt"; pwd > "$FLEET_OUTPUT_DIR/cwd.txt"',
    );
    const prompt = `# Role\nYou research.\n\n# Task\n${"Say hello to Ada. ".repeat(10_000)}\n`;
    const req = makeRequest({ runner: "command", command }, { cwd, prompt });
    const r = await runCommandAgent(req);
    expect(r.outcome).toBe("finished");
    expect(readFileSync(path.join(req.outputDir, "stdin.txt"), "utf8")).toBe(prompt);
    expect(readFileSync(path.join(req.outputDir, "file.txt"), "utf8")).toBe(prompt);
    expect(readFileSync(path.join(req.outputDir, "cwd.txt"), "utf8").trim()).toBe(cwd);
  });

  it("maps exit 75 to try-later and other codes to failed with the last line", async () => {
    const later = agentScript("echo 'usage limit reached'; exit 75");
    const r1 = await runCommandAgent(
      makeRequest({ runner: "command", command: later.command }, { cwd: later.cwd }),
    );
    expect(r1.outcome).toBe("try-later");
    expect(r1.exitCode).toBe(75);

    const failing = agentScript("echo working; echo 'TypeError: boom' >&2; exit 3");
    const r2 = await runCommandAgent(
      makeRequest({ runner: "command", command: failing.command }, { cwd: failing.cwd }),
    );
    expect(r2.outcome).toBe("failed");
    expect(r2.exitCode).toBe(3);
    expect(r2.reason).toBe("exited with code 3: TypeError: boom");
  });

  it("kills a hung agent and its grandchild on the inactivity timeout, leaving no process behind", async () => {
    const cwd = tempDir("fleet-checkout-");
    // The agent starts a grandchild that holds the pipes, says its pid, then both go silent.
    writeFile(
      cwd,
      "hang.mjs",
      [
        'import { spawn } from "node:child_process";',
        'const g = spawn("sleep", ["1000"], { stdio: "inherit" });',
        'console.log("pid=" + g.pid);',
        "setInterval(() => {}, 1000);",
      ].join("\n"),
    );
    const req = makeRequest(
      { runner: "command", command: ["node", "hang.mjs"], idle_timeout: "3s" },
      { cwd },
    );
    const r = await runCommandAgent(req);
    const log = readFileSync(req.logFile, "utf8");
    const pids = printedPids(log);
    leftovers.push(...pids);
    expect(r.outcome).toBe("timeout");
    expect(r.reason).toBe(
      "printed nothing for 3s, the inactivity limit (idle_timeout in .fleet/agents/tester.md)",
    );
    expect(pids).toHaveLength(1);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });

  it("stops an agent that keeps talking at the wall-clock limit", async () => {
    const { cwd, command } = agentScript("while true; do echo still working; sleep 0.1; done");
    const r = await runCommandAgent(makeRequest({ runner: "command", command, timeout: "1s" }, { cwd }));
    expect(r.outcome).toBe("timeout");
    expect(r.reason).toBe("ran longer than its 1s wall-clock limit (timeout in .fleet/agents/tester.md)");
  });

  it("kills the process group when the signal aborts, and reports the pgid first", async () => {
    const { cwd, command } = agentScript("sleep 1000 & echo pid=$!; wait");
    const controller = new AbortController();
    let pgid = 0;
    const req = makeRequest(
      { runner: "command", command },
      {
        cwd,
        signal: controller.signal,
        onSpawn: (id) => {
          pgid = id;
          setTimeout(() => controller.abort("lost its claim"), 300);
        },
      },
    );
    const r = await runCommandAgent(req);
    leftovers.push(...printedPids(readFileSync(req.logFile, "utf8")));
    expect(r.outcome).toBe("aborted");
    expect(r.reason).toBe("stopped by the coordinator (lost its claim)");
    expect(pgid).toBeGreaterThan(1);
    expect(isProcessGroupAlive(pgid)).toBe(false);
  });

  it("is blocked, saying what to fix, when the program is missing or not executable", async () => {
    const missing = await runCommandAgent(
      makeRequest({ runner: "command", command: ["fleet-no-such-agent-cli", "-p"] }),
    );
    expect(missing.outcome).toBe("blocked");
    expect(missing.reason).toBe(
      'program "fleet-no-such-agent-cli" was not found on the agent\'s PATH: install it, or fix `command:` in .fleet/agents/tester.md',
    );

    const cwd = tempDir("fleet-checkout-");
    writeFile(cwd, "agent.sh", "#!/bin/sh\necho hi\n");
    const notExec = await runCommandAgent(
      makeRequest({ runner: "command", command: ["./agent.sh"] }, { cwd }),
    );
    expect(notExec.outcome).toBe("blocked");
    expect(notExec.reason).toContain("chmod +x ./agent.sh");
  });

  it("is reached through getRunner", async () => {
    const { cwd, command } = agentScript("exit 0");
    const r = await getRunner("command")(makeRequest({ runner: "command", command }, { cwd }));
    expect(r.outcome).toBe("finished");
  });
});
