import { describe, expect, it } from "vitest";
import { pushBranch } from "../../src/remote/push-branch.js";
import { readRemoteRef } from "../../src/remote/read-remote-ref.js";
import { commitFiles, git } from "../gates/fixture.js";
import { gitOut, tempRepo } from "../helpers/temp-repo.js";
import { gitRemoteOf } from "../support/git-daemon.js";

const REF = "refs/heads/fleet/t";

describe("pushBranch over git://", () => {
  it("creates the branch when it must not exist, replaces it under a lease, and refuses a stale lease", async () => {
    const root = tempRepo();
    const daemon = await gitRemoteOf(root);
    git(root, "remote", "add", "origin", daemon.url);
    const base = gitOut(root, "rev-parse", "HEAD");
    const one = commitFiles(root, base, { "a.txt": "1\n" });
    const two = commitFiles(root, base, { "a.txt": "2\n" });
    const three = commitFiles(root, base, { "a.txt": "3\n" });

    expect(
      await pushBranch(root, { remote: "origin", branch: "fleet/t", commit: one, expect: null }),
    ).toEqual({
      kind: "pushed",
    });
    expect(await readRemoteRef(root, "origin", REF)).toBe(one);
    // Must-not-exist, but it does: refused, and what is there stays.
    const exists = await pushBranch(root, { remote: "origin", branch: "fleet/t", commit: two, expect: null });
    expect(exists.kind).toBe("refused");
    expect(await readRemoteRef(root, "origin", REF)).toBe(one);
    expect(await pushBranch(root, { remote: "origin", branch: "fleet/t", commit: two, expect: one })).toEqual(
      {
        kind: "pushed",
      },
    );
    const stale = await pushBranch(root, { remote: "origin", branch: "fleet/t", commit: three, expect: one });
    expect(stale).toMatchObject({
      kind: "refused",
      reason: expect.stringContaining("origin refused refs/heads/fleet/t"),
    });
    expect(await readRemoteRef(root, "origin", REF)).toBe(two);
    expect(await readRemoteRef(root, "origin", "refs/heads/fleet/none")).toBeNull();

    await daemon.stop();
    const down = await pushBranch(root, { remote: "origin", branch: "fleet/t", commit: three, expect: two });
    expect(down).toMatchObject({
      kind: "failed",
      reason: expect.stringContaining("pushing refs/heads/fleet/t to origin failed"),
    });
    await expect(readRemoteRef(root, "origin", REF)).rejects.toThrow(/ls-remote/);
  });
});
