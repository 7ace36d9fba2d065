import { describe, expect, it } from "vitest";
import { fleetPaths } from "../../src/store/paths.js";
import { readBaseName } from "../../src/store/read-base-name.js";
import { tempDir, writeFile } from "../helpers/temp-repo.js";

function baseOf(config: string | null): string {
  const root = tempDir();
  if (config !== null) writeFile(root, ".fleet/config.md", config);
  return readBaseName(fleetPaths(root));
}

describe("readBaseName", () => {
  it("reads a plain, quoted or commented base: line of the frontmatter", () => {
    expect(baseOf("---\nconcurrency: 2\nbase: trunk\n---\n")).toBe("trunk");
    expect(baseOf('---\nbase: "release/1.x"  # ships here\n---\n')).toBe("release/1.x");
    expect(baseOf("---\nbase: 'dev'\n---\n")).toBe("dev");
  });

  it("gives main without a file, without the key, or for a base: line outside the frontmatter", () => {
    expect(baseOf(null)).toBe("main");
    expect(baseOf("---\nconcurrency: 2\n---\n")).toBe("main");
    expect(baseOf("---\nconcurrency: 2\n---\nbase: other\n")).toBe("main");
    expect(baseOf("---\nreview:\n  base: nested\n---\n")).toBe("main");
  });
});
