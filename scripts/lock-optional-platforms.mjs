// Adds lock entries for optional platform packages that the package registry reachable here does not
// serve (Biome's non-Linux binaries). Without them `npm ci` refuses the lock as "out of sync", although
// it would skip those packages on this platform anyway. Run after `npm install` changes the lock.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const PLATFORM = { os: { win32: "win32", darwin: "darwin", linux: "linux", android: "android" } };
let added = 0;
for (const [where, entry] of Object.entries(lock.packages)) {
  if (!where.endsWith("node_modules/@biomejs/biome")) continue;
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const [, os, cpu, libc] = /^@biomejs\/cli-([a-z0-9]+)-([a-z0-9]+)(?:-(musl))?$/.exec(name) ?? [];
    if (!os || !PLATFORM.os[os]) throw new Error(`unexpected optional package ${name}`);
    lock.packages[key] = {
      version,
      cpu: [cpu],
      dev: true,
      ...(libc ? { libc: [libc] } : {}),
      license: "MIT OR Apache-2.0",
      optional: true,
      os: [os],
    };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} lock entries`);
