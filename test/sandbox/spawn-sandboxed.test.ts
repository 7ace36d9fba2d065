/**
 * spawnProcess inside the real sandbox: the network a spec asks for, nothing left running after the
 * run (setsid and double forks included, checked from outside), a private HOME, and a missing program
 * reported as one. And the argv as data: what a policy hides, shows and makes writable, in order.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnProcess } from "../../src/agents/spawn.js";
import {
  bwrapArgs,
  probeSandbox,
  programFolders,
  type SandboxSpec,
  sandboxPolicy,
  specFor,
} from "../../src/sandbox/index.js";
import { tempDir } from "../helpers/temp-repo.js";

function setup(network: "none" | "host") {
  const probe = probeSandbox();
  if (!probe.ok) throw new Error(`${probe.reason}. ${probe.fix}`);
  const person = tempDir("fleet-person-");
  const realHome = tempDir("fleet-realhome-");
  writeFileSync(path.join(realHome, "secret.txt"), "the person's\n");
  const work = tempDir("fleet-work-");
  const cwd = path.join(work, "repo", "clones", "t");
  const home = path.join(work, "repo", "homes", "t");
  mkdirSync(cwd, { recursive: true });
  mkdirSync(home, { recursive: true });
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: realHome };
  const policy = sandboxPolicy({
    bwrap: probe.bwrap,
    root: person,
    commonDir: path.join(person, ".git"),
    workRoot: path.join(work, "repo"),
    env,
  });
  const spec = specFor(policy, { writable: [cwd], home, network }) as SandboxSpec;
  return { spec, cwd, home, realHome, person, env, logFile: path.join(tempDir("fleet-logs-"), "run.log") };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function loopbackServer(): Promise<number> {
  const server = http.createServer((_req, res) => res.end("reached"));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

const probeNet = (port: number) =>
  `fetch("http://127.0.0.1:${port}/").then(async (r) => console.log(await r.text()), () => console.log("unreachable"))`;

describe("spawnProcess in the sandbox (real bwrap)", () => {
  it("network: none reaches nothing outside; host reaches the machine's loopback", async () => {
    const port = await loopbackServer();
    for (const [network, said] of [
      ["none", "unreachable"],
      ["host", "reached"],
    ] as const) {
      const s = setup(network);
      const r = await spawnProcess({
        argv: [process.execPath, "-e", probeNet(port)],
        cwd: s.cwd,
        env: s.env,
        logFile: s.logFile,
        sandbox: s.spec,
      });
      expect(r.exitCode, r.tail).toBe(0);
      expect(r.tail.trim()).toBe(said);
    }
  });

  it("leaves nothing running: setsid and double-forked children end with the run", async () => {
    const s = setup("none");
    const r = await spawnProcess({
      shellCommand:
        "setsid sleep 271.5 >/dev/null 2>&1 & ( ( nohup sleep 272.5 >/dev/null 2>&1 & ) & ); echo started",
      cwd: s.cwd,
      env: s.env,
      logFile: s.logFile,
      sandbox: s.spec,
    });
    expect(r.tail.trim()).toBe("started");
    expect(spawnSync("pgrep", ["-f", "sleep 27[12]\\.5"]).status).toBe(1);
  });

  it("gives a private HOME and hides the person's; the clone is writable, the person's clone is not", async () => {
    const s = setup("none");
    const r = await spawnProcess({
      shellCommand: `echo "$HOME"; cat "$HOME/secret.txt" 2>&1; echo mine > "$HOME/note"; echo x > "${s.person}/x" 2>&1; echo "person exit $?"; echo made > made.txt`,
      cwd: s.cwd,
      env: s.env,
      logFile: s.logFile,
      sandbox: s.spec,
    });
    const lines = r.tail.trim().split("\n");
    expect(lines[0]).toBe(s.realHome);
    expect(lines[1]).toContain("No such file or directory");
    expect(r.tail).toMatch(/Read-only file system/);
    expect(r.tail).toMatch(/person exit [1-9]/);
    expect(readFileSync(path.join(s.home, "note"), "utf8")).toBe("mine\n");
    expect(existsSync(path.join(s.realHome, "note"))).toBe(false);
    expect(existsSync(path.join(s.person, "x"))).toBe(false);
    expect(readFileSync(path.join(s.cwd, "made.txt"), "utf8")).toBe("made\n");
  });

  it("reports a program missing on PATH as a spawn error, not as bwrap's exit", async () => {
    const s = setup("none");
    const r = await spawnProcess({
      argv: ["no-such-agent-cli"],
      cwd: s.cwd,
      env: s.env,
      logFile: s.logFile,
      sandbox: s.spec,
    });
    expect(r.spawnError).toMatchObject({ code: "ENOENT", what: "program" });
  });
});

describe("what a sandbox shows of a program (pure)", () => {
  it("shows a program that lives in a hidden folder or under /tmp by its node_modules, and nothing when visible", () => {
    expect(programFolders("/tmp/ci/node_modules/.bin/claude", [])).toEqual([
      { target: "/tmp/ci/node_modules", source: "/tmp/ci/node_modules" },
    ]);
    expect(programFolders("/home/ada/tools/agent.sh", ["/home/ada"])).toEqual([
      { target: "/home/ada/tools", source: "/home/ada/tools" },
    ]);
    expect(programFolders("/usr/bin/git", ["/home/ada"])).toEqual([]);
  });
});

describe("bwrapArgs (pure)", () => {
  const spec: SandboxSpec = {
    bwrap: "/usr/bin/bwrap",
    hidden: { dirs: ["/home/ada/proj", "/home", "/home/ada"], files: ["/etc/shadow"] },
    readOnly: [{ source: "/opt/node/bin", target: "/home/ada/.nvm/bin" }],
    writable: ["/tmp/gitfleet-1/p/clones/t"],
    readOnlyInsideWritable: ["/tmp/gitfleet-1/p/clones/t/.git"],
    home: {
      path: "/home/ada",
      source: "/tmp/gitfleet-1/p/homes/t",
      files: [{ source: "/home/ada/.claude/.credentials.json", rel: ".claude/.credentials.json" }],
    },
    network: "none",
  };

  it("stacks the mounts in the order that makes the policy: system, hidden, home, shown, writable, read-only again", () => {
    const a = bwrapArgs(spec, "/tmp/gitfleet-1/p/clones/t");
    const at = (...xs: string[]) => {
      for (let i = 0; i + xs.length <= a.length; i++) if (xs.every((x, j) => a[i + j] === x)) return i;
      return -1;
    };
    expect(a.slice(0, 3)).toEqual(["--ro-bind", "/", "/"]);
    expect(at("--tmpfs", "/home")).toBeLessThan(at("--tmpfs", "/home/ada"));
    expect(at("--tmpfs", "/home/ada")).toBeLessThan(at("--tmpfs", "/home/ada/proj"));
    expect(at("--ro-bind", "/dev/null", "/etc/shadow")).toBeGreaterThan(0);
    expect(at("--bind", "/tmp/gitfleet-1/p/homes/t", "/home/ada")).toBeGreaterThan(
      at("--tmpfs", "/home/ada/proj"),
    );
    expect(at("--ro-bind", "/opt/node/bin", "/home/ada/.nvm/bin")).toBeGreaterThan(
      at("--bind", "/tmp/gitfleet-1/p/homes/t", "/home/ada"),
    );
    expect(at("--bind", spec.writable[0] ?? "", spec.writable[0] ?? "")).toBeGreaterThan(
      at("--ro-bind", "/opt/node/bin", "/home/ada/.nvm/bin"),
    );
    expect(
      at("--ro-bind", "/tmp/gitfleet-1/p/clones/t/.git", "/tmp/gitfleet-1/p/clones/t/.git"),
    ).toBeGreaterThan(at("--bind", spec.writable[0] ?? "", spec.writable[0] ?? ""));
    expect(
      at("--ro-bind", "/home/ada/.claude/.credentials.json", "/home/ada/.claude/.credentials.json"),
    ).toBeGreaterThan(0);
    // Hidden folders end read-only, but HOME (the private one mounted there) stays writable.
    expect(at("--remount-ro", "/home")).toBeGreaterThan(
      at("--bind", spec.writable[0] ?? "", spec.writable[0] ?? ""),
    );
    expect(at("--remount-ro", "/home/ada")).toBe(-1);
    expect(at("--remount-ro", "/home/ada/proj")).toBe(-1); // inside HOME: covered by the private one
    expect(a).toContain("--unshare-net");
    expect(a.slice(-5)).toEqual([
      "--die-with-parent",
      "--cap-drop",
      "ALL",
      "--chdir",
      "/tmp/gitfleet-1/p/clones/t",
    ]);
    for (const ns of ["--unshare-pid", "--unshare-ipc", "--unshare-uts"]) expect(a).toContain(ns);
    expect(bwrapArgs({ ...spec, network: "host" }, "/x")).not.toContain("--unshare-net");
  });
});
