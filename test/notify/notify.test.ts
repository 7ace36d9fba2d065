/**
 * Notifications for real: the built `fleet run --until-idle` with scripted agents, a notify command
 * (a node script that appends its stdin), a webhook server on 127.0.0.1, a stand-in `notify-send` on
 * PATH, and targets that fail or hang — which must neither block nor crash the daemon.
 */
import { chmodSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NotifyPayload } from "../../src/notify/send.js";
import { startFleet } from "../e2e/daemon-helpers.js";
import { commitFleetDir } from "../helpers/fleet-fixtures.js";
import { fleetOk } from "../helpers/run-fleet.js";
import { tempDir, tempRepo, writeFile } from "../helpers/temp-repo.js";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A webhook on 127.0.0.1 that records every body it is POSTed (and answers `status`). */
async function webhook(status = 200): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => {
      text += c.toString();
    });
    req.on("end", () => {
      bodies.push(JSON.parse(text));
      res.writeHead(status).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

/** A repository whose night makes a plan wait for review and an agent ask a question; `notify` is YAML. */
function night(notify: string): string {
  const root = tempRepo();
  fleetOk(root, ["init", "--no-check"]);
  writeFile(
    root,
    ".fleet/config.md",
    `---\nrescan: 2s\ngates: { implement: [], ship: [] }\nnotify: ${notify}\n---\n`,
  );
  for (const name of ["researcher", "planner", "implementer"]) {
    writeFile(root, `.fleet/agents/${name}.md`, `---\nrunner: script\n---\nYou are the ${name}.\n`);
  }
  writeFile(root, ".fleet/queue/plan-me.md", "---\nstatus: ready\n---\n# Plan me\n");
  writeFile(
    root,
    ".fleet/queue/ask-first.md",
    '---\nstatus: ready\n---\n# Ask first\n\n```fleet-script\nresearch:\n  question: "Redis or Postgres?"\n```\n',
  );
  commitFleetDir(root);
  return root;
}

function lines(file: string): NotifyPayload[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as NotifyPayload);
}

/** Pids of `sleep 600` processes (the hung notifier of the second test). */
function sleepers(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, "utf8") === "sleep\u0000600\u0000";
      } catch {
        return false;
      }
    })
    .map(Number);
}

const kinds = (events: { event: string; task: { id: string } | null }[]) =>
  events.map((e) => `${e.event} ${e.task?.id}`).sort();

describe("notify (built CLI)", () => {
  it("runs the command with the event on stdin, POSTs the webhook, and calls the desktop notifier", async () => {
    const dir = tempDir("notify-");
    const out = path.join(dir, "events.jsonl");
    writeFile(
      dir,
      "record.mjs",
      `import { appendFileSync, readFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(out)}, readFileSync(0, "utf8"));\n`,
    );
    const desktop = path.join(dir, "desktop.txt");
    writeFile(
      dir,
      "bin/notify-send",
      `#!/bin/sh\nprintf '%s|' "$@" >> ${JSON.stringify(desktop)}\necho >> ${JSON.stringify(desktop)}\n`,
    );
    chmodSync(path.join(dir, "bin/notify-send"), 0o755);
    const hook = await webhook();
    const root = night(
      `[{ command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(dir, "record.mjs"))}] }, { url: "${hook.url}" }, { desktop: true, events: [question] }]`,
    );
    const daemon = startFleet(root, ["run", "--until-idle"], {
      PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
    });
    // 7: the drain ends with tasks waiting for a person (the question, the plan).
    expect(await daemon.exited, daemon.out() + daemon.err()).toBe(7);

    const got = lines(out);
    expect(kinds(got)).toEqual(["awaiting-approval plan-me", "question ask-first"]);
    const q = got.find((e) => e.event === "question");
    expect(q).toMatchObject({
      repo: path.basename(root),
      task: { id: "ask-first", title: "Ask first", phase: "research", status: "blocked" },
      message: "ask-first (Ask first) asks: Redis or Postgres?",
      next: 'fleet answer ask-first "…"',
    });
    expect(kinds(hook.bodies as NotifyPayload[])).toEqual(kinds(got));
    expect((hook.bodies as NotifyPayload[])[0]?.text).toMatch(/^\S+: /);
    expect(readFileSync(desktop, "utf8")).toBe(
      "--app-name=fleet|--|fleet: question|ask-first (Ask first) asks: Redis or Postgres?|\n",
    );
    expect(daemon.err()).not.toMatch(/notify/);
  });

  it("logs targets that fail or hang, does not retry them, and the daemon still finishes", async () => {
    const refused = await webhook(500);
    const root = night(
      `[{ command: ["sleep", "600"] }, { command: ["/nonexistent/notifier"] }, { url: "${refused.url}" }]`,
    );
    const started = Date.now();
    const daemon = startFleet(root, ["run", "--until-idle"]);
    // 7: the drain ends with tasks waiting for a person (the question, the plan).
    expect(await daemon.exited, daemon.out() + daemon.err()).toBe(7);
    expect(Date.now() - started).toBeLessThan(40_000);
    const err = daemon.err();
    expect(err).toMatch(
      /notify \(command \/nonexistent\/notifier\) failed: \/nonexistent\/notifier could not start/,
    );
    expect(err).toMatch(/notify \(url 127\.0\.0\.1:\d+\) failed: .* answered HTTP 500/);
    // Killed at its own timeout (10 s) or when the daemon stopped (5 s grace), whichever came first.
    expect(err).toMatch(
      /notify \(command sleep\) failed: sleep (did not finish in 10s|was still running when the daemon stopped) and was killed/,
    );
    expect(sleepers(), "the hung notifier's process group was killed").toEqual([]);
    // One attempt per event and target: two events, so two POSTs, no retries.
    expect(refused.bodies).toHaveLength(2);
  });
});
