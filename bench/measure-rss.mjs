// Preloaded into a measured process (`node --import ./bench/measure-rss.mjs …`): at exit it writes the
// process's peak resident set size (bytes) to the file named by FLEET_BENCH_RSS_FILE.
import { writeFileSync } from "node:fs";

const out = process.env.FLEET_BENCH_RSS_FILE;
if (out) {
  process.on("exit", () => {
    writeFileSync(out, String(process.resourceUsage().maxRSS * 1024));
  });
}
