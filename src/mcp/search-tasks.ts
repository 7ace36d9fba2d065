/** Searching the queue for the MCP `search_tasks` tool: every word of the query in a task's id, title or body. */
import type { FleetPaths } from "../store/paths.js";
import { readTasks } from "../store/read-tasks.js";

/** One hit: the task's place and the first line of its body that holds a word of the query. */
export interface SearchHit {
  id: string;
  title: string;
  phase: string;
  status: string;
  excerpt: string;
}

/**
 * Tasks whose id, title or body hold every word of `query` (case-insensitive), in id order, at most `limit`.
 * Reads every task file (bodies included).
 */
export function searchTasks(paths: FleetPaths, query: string, limit = 20): SearchHit[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const hits: SearchHit[] = [];
  for (const t of readTasks(paths).tasks.values()) {
    const r = t.record;
    const text = `${r.id}\n${r.title}\n${t.body}`.toLowerCase();
    if (!words.every((w) => text.includes(w))) continue;
    const line = t.body.split("\n").find((l) => words.some((w) => l.toLowerCase().includes(w))) ?? "";
    hits.push({
      id: r.id,
      title: r.title,
      phase: r.phase,
      status: r.status,
      excerpt: line.trim().slice(0, 200),
    });
    if (hits.length >= limit) break;
  }
  return hits;
}
