/**
 * What one sandboxed process may see and touch ({@link SandboxSpec}), and how the fleet builds it for
 * a clone ({@link sandboxPolicy} → {@link specFor}). The policy says what every sandbox of a clone
 * hides — the person's clone and its git directory (with the runtime directory in it), the agents'
 * work area, HOME and the other homes, per-user runtime sockets, and a list of system secrets — and
 * what it shows again read-only: the folders on PATH, Node and gitfleet's own code. Each process then
 * gets its own writable folders, HOME and network on top.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** `none`: a network namespace of its own (loopback only). `host`: the machine's network. */
export type NetworkMode = "none" | "host";

/** Everything bwrap needs for one process. Paths are absolute, on the host. */
export interface SandboxSpec {
  /** The bwrap program (absolute path). */
  bwrap: string;
  /** Covered so they are not visible: folders get an empty tmpfs, files `/dev/null`. */
  hidden: { dirs: string[]; files: string[] };
  /** Shown again (read-only) on top of what is hidden: `source` on the host at `target` inside. */
  readOnly: { source: string; target: string }[];
  /** Bound read-write at the same path: the process's own checkout, output folder. */
  writable: string[];
  /** Bound read-only on top of a writable folder (a gate checkout's `.git`). */
  readOnlyInsideWritable?: string[];
  /** HOME inside: `source` (a host folder kept between runs) or, when null, an empty tmpfs at `path`. */
  home: { path: string; source: string | null; files: { source: string; rel: string }[] };
  network: NetworkMode;
}

/** What every sandbox of one clone hides and shows; `mode: off` runs processes uncontained. */
export type SandboxPolicy =
  | {
      mode: "bwrap";
      bwrap: string;
      hidden: { dirs: string[]; files: string[] };
      readOnly: { source: string; target: string }[];
      /** HOME as the processes see it (the daemon's HOME path, with private content). */
      homePath: string;
    }
  | { mode: "off" };

/** System places that hold other people's or the machine's secrets: hidden when they exist. */
const SECRET_DIRS = [
  "/root",
  "/home",
  "/run/user",
  "/run/secrets",
  "/run/containerd",
  "/run/podman",
  "/etc/ssh",
];
const SECRET_FILES = [
  "/etc/shadow",
  "/etc/gshadow",
  "/etc/shadow-",
  "/etc/gshadow-",
  "/var/run/docker.sock",
  "/run/docker.sock",
];

/** Folders every sandbox replaces with an empty one of its own (see bwrap-args.ts). */
export const PRIVATE_DIRS = ["/tmp", "/var/tmp"] as const;

/**
 * What to show read-only so that `program` (an absolute path) runs inside a sandbox that hides
 * `hiddenDirs`: nothing when it is visible already; else its nearest `node_modules` folder (an npm
 * package's bin links into it) — of the path and of its real path — or, outside one, its folder.
 */
export function programFolders(
  program: string,
  hiddenDirs: readonly string[],
): { source: string; target: string }[] {
  const hidden = [...hiddenDirs, ...PRIVATE_DIRS];
  const out = new Map<string, string>();
  for (const p of new Set([program, real(program) ?? program])) {
    if (!hidden.some((h) => isInside(p, h))) continue;
    let pkg: string | null = null;
    for (let d = path.dirname(p); d !== path.dirname(d); d = path.dirname(d)) {
      if (path.basename(d) === "node_modules") {
        pkg = d;
        break;
      }
    }
    const dir = pkg ?? path.dirname(p);
    out.set(dir, real(dir) ?? dir);
  }
  return [...out].map(([target, source]) => ({ target, source }));
}

/** True when `p` is `dir` or inside it. */
export function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function real(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** gitfleet's own package folder (where `dist/` and `node_modules/` are). */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
}

/**
 * The folders of `PATH` (and Node's own) that lie in a hidden folder, to show again read-only: each
 * folder, its install prefix's `lib/` beside a `bin/` (npm and nvm keep the packages there), and the
 * `node_modules/` around a `node_modules/.bin`. Symlinked folders are shown at the path PATH names.
 */
export function exposedFolders(
  pathVar: string,
  hiddenDirs: readonly string[],
): { source: string; target: string }[] {
  // Every sandbox gets an empty /tmp and /var/tmp too: what lives there must be shown like the rest.
  const hidden = [...hiddenDirs, ...PRIVATE_DIRS];
  const wanted = new Map<string, string>();
  const add = (target: string) => {
    const source = real(target);
    if (!source || !isDir(source)) return;
    if (!hidden.some((h) => isInside(target, h) || isInside(source, h))) return;
    wanted.set(target, source);
  };
  const dirs = pathVar.split(path.delimiter).filter((d) => path.isAbsolute(d));
  dirs.push(path.dirname(process.execPath));
  for (const dir of dirs) {
    const d = path.resolve(dir);
    add(d);
    if (path.basename(d) === "bin") add(path.join(path.dirname(d), "lib"));
    if (path.basename(d) === ".bin" && path.basename(path.dirname(d)) === "node_modules")
      add(path.dirname(d));
  }
  const pkg = packageRoot();
  for (const sub of ["dist", "node_modules", "package.json"]) {
    const p = path.join(pkg, sub);
    if (existsSync(p) && hidden.some((h) => isInside(p, h))) wanted.set(p, real(p) ?? p);
  }
  return [...wanted].map(([target, source]) => ({ target, source }));
}

/** Where one clone's sandboxes get their facts. */
export interface PolicyInputs {
  /** The bwrap program found by the probe. */
  bwrap: string;
  /** The person's work tree root and git common directory. */
  root: string;
  commonDir: string;
  /** The agents' work area of this clone (checkouts, outputs, homes): hidden but for each run's own. */
  workRoot: string;
  /** The daemon's environment (PATH and HOME are read). */
  env: NodeJS.ProcessEnv;
}

/** The policy for a clone whose sandbox works (see {@link PolicyInputs}). */
export function sandboxPolicy(inputs: PolicyInputs): SandboxPolicy {
  const homePath = path.resolve(inputs.env.HOME || homedir());
  const candidates = [inputs.root, inputs.commonDir, path.dirname(inputs.workRoot), homePath, ...SECRET_DIRS];
  const dirs: string[] = [];
  for (const c of candidates) {
    for (const p of new Set([path.resolve(c), real(c)])) {
      if (p && p !== "/" && isDir(p) && !dirs.includes(p)) dirs.push(p);
    }
  }
  const files = SECRET_FILES.filter((f) => existsSync(f) && !isDir(f));
  const readOnly = exposedFolders(inputs.env.PATH ?? "", dirs);
  return { mode: "bwrap", bwrap: inputs.bwrap, hidden: { dirs, files }, readOnly, homePath };
}

/** What one process adds to its clone's policy. */
export interface ProcessNeeds {
  /** Folders it may write (they must exist). */
  writable: string[];
  /** Files or folders it may read that are hidden otherwise (a prompt file, the git objects). */
  readOnly?: string[];
  /** Folders inside `writable` that stay read-only (a gate checkout's `.git`). */
  readOnlyInsideWritable?: string[];
  /** A host folder that is its HOME (kept between runs), or null for an empty one. */
  home?: string | null;
  /** Files shown read-only inside HOME (a runner's credential file), as `rel` under HOME. */
  homeFiles?: { source: string; rel: string }[];
  network: NetworkMode;
}

/**
 * The spec of a non-agent process in one of the fleet's clones (a gate, `setup`, the coordinator's git
 * steps): `checkout` (and `also`) writable — its `.git` read-only when `sealed` — the person's git
 * objects (`objects`, borrowed through alternates) read-only, an empty HOME, `network`.
 */
export function checkoutSpec(
  policy: SandboxPolicy,
  opts: { checkout: string; objects: string; sealed: boolean; network: NetworkMode; also?: string[] },
): SandboxSpec | null {
  return specFor(policy, {
    writable: [opts.checkout, ...(opts.also ?? [])],
    readOnly: [opts.objects],
    readOnlyInsideWritable: opts.sealed ? [path.join(opts.checkout, ".git")] : [],
    network: opts.network,
  });
}

/** The spec for one process under `policy`, or null when the policy is `off` (run uncontained). */
export function specFor(policy: SandboxPolicy, needs: ProcessNeeds): SandboxSpec | null {
  if (policy.mode === "off") return null;
  const extra = (needs.readOnly ?? [])
    .filter((p) => existsSync(p))
    .map((p) => ({ source: real(p) ?? p, target: p }));
  return {
    bwrap: policy.bwrap,
    hidden: policy.hidden,
    readOnly: [...policy.readOnly, ...extra],
    writable: needs.writable,
    readOnlyInsideWritable: (needs.readOnlyInsideWritable ?? []).filter((p) => existsSync(p)),
    home: { path: policy.homePath, source: needs.home ?? null, files: needs.homeFiles ?? [] },
    network: needs.network,
  };
}
