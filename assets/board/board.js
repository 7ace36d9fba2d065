// The board's page: plain ES module, no build step. Every text from the repository is set with
// textContent (agents write task files: their bytes are attacker data); the only HTML inserted is the
// server's diff2html output, which escapes every line. The token is the first path segment; relative
// URLs carry it, and POSTs repeat it in X-Fleet-Token.

import { duration, el, request, usd } from "./dom.js";
import { hideTask, refreshTask, showTask } from "./task-page.js";

const COLUMNS = ["idea", "research", "plan", "implement", "ship", "done"];
const NEEDS_YOU = new Set(["awaiting-approval", "awaiting-merge", "blocked", "failed"]);
const PER_COLUMN = 100;
const NEEDS_YOU_SHOWN = 24;

/** @type {Map<string, any>} */
const cards = new Map();
const expanded = new Set();
let drawQueued = false;

function attemptsOf(card) {
  return card.attempts?.[card.phase] ?? 0;
}

function cardMeta(card) {
  // Done is always `done / ready`: say what it means.
  const label = card.phase === "done" || card.phase === "dropped" ? card.phase : card.status;
  const parts = [el("span", { className: `status ${card.status}` }, label)];
  if (card.agent) parts.push(el("span", {}, card.agent));
  if (card.status === "running" && card.started) {
    parts.push(
      el(
        "span",
        { className: "elapsed", dataset: { since: card.started } },
        duration(Date.now() - Date.parse(card.started)),
      ),
    );
  }
  const n = attemptsOf(card);
  if (n > 0) parts.push(el("span", { title: `attempts in ${card.phase}` }, `attempt ${n}`));
  const cost = usd(card.cost_usd);
  if (cost) parts.push(el("span", { title: "agent cost so far" }, cost));
  return el("div", { className: "meta" }, parts);
}

/** Fan-out: a parent's children, each with its state (the cards of every task are loaded). */
function childrenOf(card) {
  return [...cards.values()].filter((c) => c.parent === card.id).sort((a, b) => (a.id < b.id ? -1 : 1));
}

function childrenNode(card) {
  const kids = childrenOf(card);
  if (kids.length === 0) return null;
  const done = kids.filter((c) => c.phase === "done").length;
  const items = kids.map((c) => {
    const state = c.phase === "done" || c.phase === "dropped" ? c.phase : `${c.phase} / ${c.status}`;
    return el(
      "li",
      { className: `child status ${c.phase === "done" ? "done" : c.status}`, title: c.title },
      `${c.id}: ${state}`,
    );
  });
  return el(
    "div",
    { className: "children" },
    el("span", {}, `children: ${done}/${kids.length} done`),
    el("ul", {}, items),
  );
}

function cardNode(card) {
  return el(
    "a",
    {
      className: "card",
      href: `#task/${encodeURIComponent(card.id)}`,
      dataset: { id: card.id, phase: card.phase, status: card.status },
    },
    el("div", { className: "title" }, card.title),
    el("div", { className: "meta" }, el("span", { className: "id" }, card.id)),
    cardMeta(card),
    childrenNode(card),
  );
}

/** What a card waiting for the person asks of them. */
function need(card) {
  if (card.status === "awaiting-approval")
    return card.phase === "ship" ? "approve the change before ship" : "review the plan: approve or reject";
  if (card.status === "awaiting-merge") {
    const r = card.review_branch;
    const branch = r?.branch ?? `fleet/${card.id}`;
    const where = r?.remote ? ` on ${r.remote}` : "";
    return r?.gone
      ? `${branch}${where} is gone, not merged: retry or drop`
      : `review and merge ${branch}${where}`;
  }
  if (card.status === "blocked")
    return card.question ? `answer: ${card.question}` : "blocked: open it to see why";
  return "out of attempts: retry or drop";
}

function byPriority(a, b) {
  return a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function draw() {
  drawQueued = false;
  const waiting = [...cards.values()].filter((c) => NEEDS_YOU.has(c.status)).sort(byPriority);
  const needs = document.getElementById("needs-you");
  needs.replaceChildren();
  if (waiting.length > 0) {
    const shown = expanded.has("needs-you") ? waiting : waiting.slice(0, NEEDS_YOU_SHOWN);
    const more =
      shown.length < waiting.length
        ? el(
            "button",
            {
              className: "more",
              onclick: () => {
                expanded.add("needs-you");
                queueDraw();
              },
            },
            `show ${waiting.length - shown.length} more`,
          )
        : null;
    const parts = [
      el("h2", {}, `Waiting for you (${waiting.length})`),
      el(
        "div",
        { className: "cards" },
        shown.map((c) => {
          const node = cardNode(c);
          node.append(el("div", { className: "need" }, need(c)));
          return node;
        }),
      ),
      more,
    ];
    needs.append(...parts.filter(Boolean));
  }
  const columns = document.getElementById("columns");
  columns.replaceChildren(
    ...COLUMNS.map((phase) => {
      const list = [...cards.values()].filter((c) => c.phase === phase).sort(byPriority);
      const shown = expanded.has(phase) ? list : list.slice(0, PER_COLUMN);
      const more =
        shown.length < list.length
          ? el(
              "button",
              {
                className: "more",
                onclick: () => {
                  expanded.add(phase);
                  queueDraw();
                },
              },
              `show ${list.length - shown.length} more`,
            )
          : null;
      return el(
        "div",
        { className: "column", dataset: { phase } },
        el("h2", {}, `${phase} `, el("span", { className: "n" }, String(list.length))),
        shown.map(cardNode),
        more,
      );
    }),
  );
}

function queueDraw() {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(draw);
}

function route() {
  const m = /^#task\/(.+)$/.exec(location.hash);
  if (m) showTask(decodeURIComponent(m[1]));
  else hideTask();
}

// ---- live feed -----------------------------------------------------------------------------------

function connect() {
  const live = document.getElementById("live");
  const source = new EventSource("events");
  source.addEventListener("hello", async () => {
    live.textContent = "live";
    live.classList.remove("off");
    const board = await request("api/board");
    document.getElementById("repo").textContent = board.repo;
    document.title = `${board.repo} — fleet board`;
    cards.clear();
    for (const c of board.cards) cards.set(c.id, c);
    draw();
    document.body.dataset.ready = "true";
  });
  source.addEventListener("card", (e) => {
    const card = JSON.parse(e.data);
    cards.set(card.id, card);
    queueDraw();
    refreshTask(card.id);
  });
  source.addEventListener("gone", (e) => {
    cards.delete(JSON.parse(e.data).id);
    queueDraw();
  });
  source.addEventListener("touched", (e) => {
    refreshTask(JSON.parse(e.data).id);
  });
  source.onerror = () => {
    live.textContent = "reconnecting…";
    live.classList.add("off");
  };
}

setInterval(() => {
  for (const node of document.querySelectorAll(".elapsed"))
    node.textContent = duration(Date.now() - Date.parse(node.dataset.since));
}, 1000);
window.addEventListener("hashchange", route);
connect();
route();
