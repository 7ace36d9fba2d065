// Acceptance check for multi-machine-claims, written with the plan: it fails until the task is done.
import assert from "node:assert/strict";
import { test } from "node:test";

test("the remote claim exists and is a function", async () => {
  const mod = await import(new URL("../../../dist/git/remote-claim.js", import.meta.url).href);
  assert.equal(typeof mod.claimRemote, "function");
});
