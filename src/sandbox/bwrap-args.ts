/**
 * The bubblewrap command line for one {@link SandboxSpec}: a pure function, so what a sandbox allows
 * can be read (and tested) as data. bwrap applies its mount options in order, each on top of the
 * last, so the order here is the policy: the whole system read-only, then fresh `/dev`, `/proc` and
 * `/tmp`, then the hidden paths covered, then the private HOME, then what is shown again read-only,
 * then the writable folders, and last the hidden folders made read-only. Flags are bwrap 0.8's (bwrap(1)).
 */
import path from "node:path";
import { isInside, type SandboxSpec } from "./spec.js";

/** Sorted by depth, so a folder is mounted before the folders inside it (bwrap stacks mounts in order). */
function byDepth(paths: readonly string[]): string[] {
  const depth = (p: string) => p.split(path.sep).length;
  return [...new Set(paths)].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

/**
 * The arguments that go between `bwrap` and `--` for `spec`, with the program started in `cwd`.
 * Hidden folders become empty tmpfs mounts and hidden files `/dev/null`; `spec.home.source` (or, when
 * null, an empty tmpfs) is mounted at `spec.home.path`.
 */
export function bwrapArgs(spec: SandboxSpec, cwd: string): string[] {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
  args.push("--tmpfs", "/var/tmp");
  for (const p of byDepth(spec.hidden.dirs)) args.push("--tmpfs", p);
  for (const p of spec.hidden.files) args.push("--ro-bind", "/dev/null", p);
  if (spec.home.source) args.push("--bind", spec.home.source, spec.home.path);
  else args.push("--tmpfs", spec.home.path);
  for (const { source, target } of byDepthOf(spec.readOnly)) args.push("--ro-bind", source, target);
  for (const p of byDepth(spec.writable)) args.push("--bind", p, p);
  for (const p of byDepth(spec.readOnlyInsideWritable ?? [])) args.push("--ro-bind", p, p);
  for (const f of spec.home.files) args.push("--ro-bind", f.source, path.join(spec.home.path, f.rel));
  // Hidden folders end read-only (what is mounted inside them keeps its own mode): a write to the
  // person's clone fails loudly instead of landing in a scratch copy the agent might mistake for it.
  // Not HOME or what is inside it: the private HOME mounted there covers them (and must stay writable).
  for (const p of byDepth(spec.hidden.dirs)) if (!isInside(p, spec.home.path)) args.push("--remount-ro", p);
  args.push("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try");
  if (spec.network === "none") args.push("--unshare-net");
  args.push("--die-with-parent", "--cap-drop", "ALL", "--chdir", cwd);
  return args;
}

function byDepthOf(
  binds: readonly { source: string; target: string }[],
): { source: string; target: string }[] {
  const order = byDepth(binds.map((b) => b.target));
  const seen = new Map(binds.map((b) => [b.target, b]));
  return order.map((t) => seen.get(t) as { source: string; target: string });
}
