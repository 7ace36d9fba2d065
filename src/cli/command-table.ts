/** The table of CLI commands: name → one line of help and a lazy import of its module. */

/** A CLI command: one line of help and a lazy import of its module. */
export interface CommandEntry {
  summary: string;
  /** True for commands that commit fleet state: with a remote set, the CLI syncs right after. */
  publishes?: true;
  load: () => Promise<{ run(argv: string[]): Promise<number>; usage: string }>;
}

/** Every command, in the order `fleet --help` lists them. */
export const COMMANDS: Record<string, CommandEntry> = {
  init: {
    summary: "create .fleet/ (config, agents, gates) and commit it",
    load: () => import("./commands/init.js"),
  },
  idea: {
    publishes: true,
    summary: 'write down a new idea: fleet idea "<title>" [-m body]',
    load: () => import("./commands/idea.js"),
  },
  ls: {
    summary: "the board: tasks by phase (--all, --phase, --status)",
    load: () => import("./commands/ls.js"),
  },
  show: {
    summary: "one task: body, research, plan, acceptance, runs",
    load: () => import("./commands/show.js"),
  },
  edit: {
    publishes: true,
    summary: "change a task's title, priority, depends_on, touches or body",
    load: () => import("./commands/edit.js"),
  },
  search: {
    summary: "tasks whose title, body, research or plan mention every word",
    load: () => import("./commands/search.js"),
  },
  ready: {
    publishes: true,
    summary: "mark an idea ready for research",
    load: () => import("./commands/ready.js"),
  },
  approve: {
    publishes: true,
    summary: "approve a plan (or a change held before ship)",
    load: () => import("./commands/approve.js"),
  },
  reject: {
    publishes: true,
    summary: 'send a plan back to the planner: -m "why"',
    load: () => import("./commands/reject.js"),
  },
  answer: {
    publishes: true,
    summary: "answer the question an agent asked",
    load: () => import("./commands/answer.js"),
  },
  drop: {
    publishes: true,
    summary: 'stop a task for good: -m "why"',
    load: () => import("./commands/drop.js"),
  },
  merge: {
    publishes: true,
    summary: "fold an idea into another: --into <id>",
    load: () => import("./commands/merge.js"),
  },
  retry: {
    publishes: true,
    summary: "give a failed task new attempts",
    load: () => import("./commands/retry.js"),
  },
  sync: {
    summary: "with remote: set, push this clone's fleet commits and follow the remote's base",
    load: () => import("./commands/sync.js"),
  },
  board: {
    summary: "a live board in your browser, with approve/reject/answer buttons (127.0.0.1)",
    load: () => import("./commands/board.js"),
  },
  log: {
    summary: "what happened, from the git trailers (optionally one task)",
    load: () => import("./commands/log.js"),
  },
  cost: {
    summary: "what the agents cost: per shipped task, phase, agent and model, night",
    load: () => import("./commands/cost.js"),
  },
  report: {
    summary: "the morning report: shipped, waiting for you, failed, cost (--since 12h)",
    load: () => import("./commands/report.js"),
  },
  watch: {
    summary: "run the fleet in the foreground: research, plan, implement as tasks become ready",
    load: () => import("./commands/watch.js"),
  },
  run: {
    summary: "start what can start now and wait (--until-idle: drain, for cron and CI)",
    load: () => import("./commands/run.js"),
  },
  mcp: {
    summary: "serve the queue to coding agents over MCP (stdio); --print-config for the snippets",
    load: () => import("./commands/mcp.js"),
  },
  doctor: {
    summary: "check every file under .fleet/; exit 1 on any problem",
    load: () => import("./commands/doctor.js"),
  },
  demo: {
    summary: "see the whole lifecycle on a small project: no API key, no network",
    load: () => import("./commands/demo.js"),
  },
  completion: {
    summary: 'shell completion: eval "$(fleet completion bash)" (or zsh, fish)',
    load: () => import("./commands/completion.js"),
  },
};
