/**
 * Can this machine make a sandbox? {@link probeSandbox} finds bwrap (on PATH, or `FLEET_BWRAP`) and
 * starts one trial sandbox with the namespaces every run uses; the answer is cached per process. When
 * it cannot, the answer says why and the exact fix, for the task's `blocked` reason and `fleet doctor`.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";

/** The probe's answer. */
export type SandboxProbe = { ok: true; bwrap: string } | { ok: false; reason: string; fix: string };

const OFF_HINT =
  "or, to run agents and gates uncontained, set `sandbox: off` in .fleet/config.md (see docs/security.md)";

let cached: { key: string; probe: SandboxProbe } | null = null;

/** `name` found on `pathVar`, as an absolute path, or null. */
export function findOnPath(name: string, pathVar: string): string | null {
  if (name.includes("/")) return isExecutable(name) ? path.resolve(name) : null;
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Probes for bubblewrap (Linux only): the program named by `env.FLEET_BWRAP`, else `bwrap` on `env.PATH`,
 * must start `true` in a sandbox with new PID, IPC, UTS and network namespaces. Takes ≈ 5–10 ms once per
 * process (cached per `FLEET_BWRAP`/PATH). Never throws.
 */
export function probeSandbox(env: NodeJS.ProcessEnv = process.env): SandboxProbe {
  const key = `${env.FLEET_BWRAP ?? ""}\0${env.PATH ?? ""}`;
  if (cached?.key === key) return cached.probe;
  const probe = runProbe(env);
  cached = { key, probe };
  return probe;
}

function runProbe(env: NodeJS.ProcessEnv): SandboxProbe {
  if (process.platform !== "linux") {
    return {
      ok: false,
      reason: `no sandbox can be made on ${process.platform}: gitfleet's sandbox is bubblewrap, which needs Linux`,
      fix: `Run the fleet on Linux, ${OFF_HINT}.`,
    };
  }
  const bwrap = findOnPath(env.FLEET_BWRAP || "bwrap", env.PATH ?? "");
  if (!bwrap) {
    return {
      ok: false,
      reason: `no sandbox can be made: bubblewrap (${env.FLEET_BWRAP || "bwrap"}) is not installed`,
      fix: `Install it (Debian/Ubuntu: \`sudo apt-get install bubblewrap\`; Fedora: \`sudo dnf install bubblewrap\`), ${OFF_HINT}.`,
    };
  }
  const trial = spawnSync(
    bwrap,
    ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid", "--unshare-ipc"].concat([
      "--unshare-uts",
      "--unshare-net",
      "--die-with-parent",
      "--cap-drop",
      "ALL",
      "true",
    ]),
    { encoding: "utf8", timeout: 10_000, env: { PATH: env.PATH ?? "/usr/bin:/bin" } },
  );
  if (trial.status === 0) return { ok: true, bwrap };
  const said =
    `${trial.stderr ?? ""}${trial.error ? trial.error.message : ""}`.trim().split("\n").pop() ?? "";
  const userns = /namespace|uid map|Operation not permitted|Permission denied/i.test(said);
  return {
    ok: false,
    reason: `no sandbox can be made: ${bwrap} failed (${said || `exit ${trial.status}`})`,
    fix: userns
      ? `Allow unprivileged user namespaces (Debian: \`sudo sysctl -w kernel.unprivileged_userns_clone=1\`; Ubuntu 24.04+: an AppArmor profile for bwrap, or \`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0\`), ${OFF_HINT}.`
      : `Check that \`${bwrap} --ro-bind / / true\` works on this machine, ${OFF_HINT}.`,
  };
}
