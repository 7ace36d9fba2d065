/**
 * The board's cards, kept in memory by the board server: loaded once from the queue (through the
 * stat-keyed task cache, like `fleet ls`), then updated one file at a time as the watcher names
 * changed files, so a live update costs one parse, not a read of the whole store.
 * Reads `.fleet/queue/` and the claims under the git directory; writes nothing.
 */
import path from "node:path";
import type { FleetLocation } from "../commands/locate.js";
import { ls } from "../commands/ls.js";
import { readClaim } from "../coordinator/claims.js";
import type { Phase, Status } from "../store/phases.js";
import { readTask } from "../store/read-tasks.js";
import { type BoardTask, reviewBranchSummary } from "../store/task-cache.js";

/** One card. `started`: ISO time the current run started (running tasks only); `cost_usd` in USD. */
export interface Card {
  id: string;
  title: string;
  phase: Phase;
  status: Status;
  priority: number;
  updated: string | null;
  question: string | null;
  attempts: Record<string, number>;
  cost_usd: number | null;
  agent: string | null;
  started: string | null;
  /** False for a hand-dropped idea the daemon has not filled in yet. */
  normalized: boolean;
  /** Fan-out: the task this one is a child of, or null (the page finds a parent's children by it). */
  parent: string | null;
  /** Where a `ship.mode: branch` ship left the change (branch, remote, pull request URL, gone), or null. */
  review_branch: BoardTask["review_branch"];
}

/** What one batch of file events changed: cards to (re)draw, ids of cards gone, ids whose records changed. */
export interface CardChanges {
  cards: Card[];
  gone: string[];
  /** Tasks whose research, plan, acceptance or runs changed (an open task page reloads). */
  touched: string[];
}

/** Every card by id, plus `apply(paths)` for a watcher batch. */
export class BoardCards {
  readonly cards = new Map<string, Card>();
  constructor(private readonly where: FleetLocation) {}

  /** Loads every card (done and dropped included). @throws what `ls` throws. */
  async load(): Promise<void> {
    const now = Date.now();
    const { tasks } = await ls({ cwd: this.where.paths.root, all: true, now: new Date(now) });
    this.cards.clear();
    for (const t of tasks) {
      this.cards.set(t.id, {
        id: t.id,
        title: t.title,
        phase: t.phase,
        status: t.status,
        priority: t.priority,
        updated: t.updated,
        question: t.question,
        attempts: t.attempts,
        cost_usd: t.cost_usd,
        agent: t.agent,
        started: t.running_ms === null ? null : new Date(now - t.running_ms).toISOString(),
        normalized: t.normalized,
        parent: t.parent,
        review_branch: t.review_branch,
      });
    }
  }

  /** Re-reads the one task file named `id`; returns its card, or null when it is gone or invalid. */
  private reread(id: string): Card | null {
    const result = readTask(this.where.paths, id);
    if (!result?.ok) return null;
    const t = result.task.record;
    const claim = t.status === "running" ? readClaim(this.where.commonDir, t.id) : null;
    return {
      id: t.id,
      title: t.title,
      phase: t.phase,
      status: t.status,
      priority: t.priority,
      updated: t.updated ?? null,
      question: t.question,
      attempts: t.attempts,
      cost_usd: t.cost.usd,
      agent: claim?.active ? claim.agent : null,
      started: claim?.active ? claim.started : t.status === "running" ? (t.updated ?? null) : null,
      normalized: result.task.normalized,
      parent: t.parent,
      review_branch: reviewBranchSummary(t.review_branch),
    };
  }

  /** Applies a batch of absolute paths under `.fleet/` named by file events. */
  apply(files: readonly string[]): CardChanges {
    const { fleet } = this.where.paths;
    const ids = new Set<string>();
    const touched = new Set<string>();
    for (const file of files) {
      const rel = path.relative(fleet, file).split(path.sep);
      const [folder, name] = rel;
      if (folder === "queue" && name?.endsWith(".md") && rel.length === 2) ids.add(name.slice(0, -3));
      else if (folder === "queue" && rel.length === 1) for (const id of this.cards.keys()) ids.add(id);
      else if (name && ["research", "plans", "acceptance", "runs"].includes(folder ?? "")) {
        touched.add(name.replace(/\.md$/, ""));
      }
    }
    const out: CardChanges = { cards: [], gone: [], touched: [...touched] };
    for (const id of ids) {
      const card = this.reread(id);
      if (card) {
        this.cards.set(id, card);
        out.cards.push(card);
      } else if (this.cards.delete(id)) out.gone.push(id);
    }
    return out;
  }
}
