import { rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TaskIndex } from "../../src/coordinator/task-index.js";
import { fleetPaths } from "../../src/store/paths.js";
import { tempDir, writeFile } from "../helpers/temp-repo.js";

const idea = (id: string, status = "draft") => `---\nid: ${id}\ntitle: ${id}\nstatus: ${status}\n---\nbody\n`;

describe("TaskIndex", () => {
  it("re-reads only files whose stat changed, and forgets deleted ones", () => {
    const root = tempDir();
    for (const id of ["a", "b", "c"]) writeFile(root, `.fleet/queue/${id}.md`, idea(id));
    const index = new TaskIndex(fleetPaths(root));
    index.scan();
    expect(index.reads).toBe(3);
    expect([...index.tasks().keys()]).toEqual(["a", "b", "c"]);
    index.scan();
    expect(index.reads).toBe(3);
    writeFileSync(path.join(root, ".fleet/queue/b.md"), idea("b", "ready"));
    index.scan();
    expect(index.reads).toBe(4);
    expect(index.tasks().get("b")?.record.status).toBe("ready");
    rmSync(path.join(root, ".fleet/queue/c.md"));
    index.scan();
    expect([...index.tasks().keys()]).toEqual(["a", "b"]);
    expect(index.takeAdded()).toEqual(["a.md", "b.md"]);
    expect(index.takeAdded()).toEqual([]);
  });

  it("looks only at the files an event names, and only at queue files", () => {
    const root = tempDir();
    writeFile(root, ".fleet/queue/a.md", idea("a"));
    const index = new TaskIndex(fleetPaths(root));
    index.scan();
    const b = writeFile(root, ".fleet/queue/b.md", idea("b"));
    writeFile(root, ".fleet/plans/a.md", "---\ntask: a\n---\nplan\n");
    expect(index.refresh([path.join(root, ".fleet/plans/a.md")])).toBe(false);
    expect(index.tasks().has("b")).toBe(false);
    expect(index.refresh([b])).toBe(true);
    expect(index.records().map((t) => t.id)).toEqual(["a", "b"]);
  });

  it("keeps a half-written file aside as a problem until it parses, and tells hand-dropped ideas apart", () => {
    const root = tempDir();
    const file = writeFile(root, ".fleet/queue/half.md", "---\nid: half\ntitle: [unclosed\n");
    writeFile(root, ".fleet/queue/raw.md", "# Just a heading\n");
    const index = new TaskIndex(fleetPaths(root));
    index.scan();
    expect(index.problems().map((p) => p.file)).toEqual([".fleet/queue/half.md"]);
    expect(index.unnormalized()).toEqual(["raw"]);
    expect(index.records()).toEqual([]);
    writeFileSync(file, idea("half"));
    const later = new Date(Date.now() + 2000);
    utimesSync(file, later, later);
    index.refresh([file]);
    expect(index.problems()).toEqual([]);
    expect(index.records().map((t) => t.id)).toEqual(["half"]);
  });

  it("keeps its views right through edits that patch them and edits that rebuild them", () => {
    const root = tempDir();
    for (const id of ["a", "b", "c"]) writeFile(root, `.fleet/queue/${id}.md`, idea(id));
    const index = new TaskIndex(fleetPaths(root));
    index.scan();
    const file = (id: string) => path.join(root, `.fleet/queue/${id}.md`);
    const edit = (id: string, text: string) => {
      writeFileSync(file(id), text);
      index.refresh([file(id)]);
    };
    const view = () => ({
      records: index.records().map((t) => `${t.id}:${t.status}`),
      raw: index.unnormalized(),
      problems: index.problems().map((p) => p.file),
      byId: [...index.tasks().values()].map((t) => `${t.record.id}:${t.record.status}`),
    });
    expect(view().records).toEqual(["a:draft", "b:draft", "c:draft"]);

    edit("b", idea("b", "ready")); // stays valid: patched in place
    expect(view()).toEqual({
      records: ["a:draft", "b:ready", "c:draft"],
      raw: [],
      problems: [],
      byId: ["a:draft", "b:ready", "c:draft"],
    });
    edit("b", "---\nid: b\ntitle: [broken\n---\n"); // invalid: rebuilt
    expect(view()).toEqual({
      records: ["a:draft", "c:draft"],
      raw: [],
      problems: [".fleet/queue/b.md"],
      byId: ["a:draft", "c:draft"],
    });
    edit("b", idea("b", "ready")); // valid again
    edit("c", "# Now a bare idea\n"); // no longer filled in
    expect(view()).toEqual({
      records: ["a:draft", "b:ready"],
      raw: ["c"],
      problems: [],
      byId: ["a:draft", "b:ready", "c:draft"],
    });
    edit("a", idea("a", "ready"));
    expect(view().records).toEqual(["a:ready", "b:ready"]);
  });
});
