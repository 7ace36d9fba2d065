import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { writeFile } from "../helpers/temp-repo.js";
import { commitFiles, gateProject, judge, someChange } from "./fixture.js";

/**
 * A real HTTP service: answers `STATUS` on /health once `deployed.txt` exists (if asked to wait for it),
 * with a helper child. Both carry a marker in their argv, so the test sees from outside the gate's
 * sandbox (whose PID namespace has pids of its own) that neither is left running.
 */
const SERVER = `import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
const [marker, status, needsDeploy] = process.argv.slice(2);
spawn("sleep", [marker], { stdio: "ignore" });
createServer((req, res) => {
  const ok = req.url === "/health" && (needsDeploy !== "deploy" || existsSync("deployed.txt"));
  res.writeHead(ok ? Number(status) : 404).end("hi");
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

function running(marker: string): boolean {
  return spawnSync("pgrep", ["-f", marker.replace(".", "\\.")]).status === 0;
}

async function gone(marker: string): Promise<boolean> {
  for (let i = 0; i < 200 && running(marker); i++) await new Promise((r) => setTimeout(r, 25));
  return !running(marker);
}

async function healthProject(status: number, extra = "") {
  const project = await gateProject();
  const marker = `300.${String(Math.random()).slice(2, 12)}`;
  const candidate = commitFiles(project.root, project.base, { "server.mjs": SERVER });
  writeFile(
    project.root,
    ".fleet/gates/health.md",
    `---\nkind: health\nstart: node server.mjs ${marker} ${status} ${extra}\nurl: http://127.0.0.1:{port}/health\nexpect: 200\nready_timeout: 2s\n---\n`,
  );
  return { ...project, candidate, marker };
}

describe("health gate", () => {
  it("starts the service on a free port, gets 200, and stops it with its children", async () => {
    const { repo, base, candidate, marker } = await healthProject(200);
    const report = await judge(repo, {
      names: ["health"],
      candidate,
      base,
      label: "h",
    });
    expect(report.outcome).toBe("passed");
    expect(report.results[0]?.output_tail).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/health: .*HTTP 200/);
    expect(await gone(marker)).toBe(true);
  });

  it("fails when the service answers another status until ready_timeout, and still stops it", async () => {
    const { repo, base, candidate, marker } = await healthProject(503);
    const report = await judge(repo, {
      names: ["health"],
      candidate,
      base,
      label: "h",
    });
    expect(report.outcome).toBe("failed");
    expect(report.feedback).toMatch(/did not answer 200 within 2 s .*last answer: HTTP 503/);
    expect(await gone(marker)).toBe(true);
  });

  it("fails at once when the service exits before answering", async () => {
    const { root, repo, base } = await gateProject();
    writeFile(
      root,
      ".fleet/gates/health.md",
      `---\nkind: health\nstart: echo crashing; exit 4\nurl: http://127.0.0.1:{port}/\nready_timeout: 60s\n---\n`,
    );
    const report = await judge(repo, {
      names: ["health"],
      candidate: someChange(root, base),
      base,
      label: "h",
    });
    expect(report.outcome).toBe("failed");
    expect(report.feedback).toContain("exited with code 4 before");
    expect(report.feedback).toContain("crashing");
  });

  it("runs a deploy command gate before probing", async () => {
    const { root, repo, base, candidate, marker } = await healthProject(200, "deploy");
    writeFile(root, ".fleet/gates/deploy.md", "---\nkind: command\nrun: echo preview > deployed.txt\n---\n");
    const without = await judge(repo, {
      names: ["health"],
      candidate,
      base,
      label: "d1",
    });
    expect(without.outcome).toBe("failed");
    expect(without.feedback).toContain("last answer: HTTP 404");
    const report = await judge(repo, {
      names: ["deploy", "health"],
      candidate,
      base,
      label: "d2",
    });
    expect(report.outcome).toBe("passed");
    expect(await gone(marker)).toBe(true);
  });
});
