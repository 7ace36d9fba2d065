// The board's page: plain ES module, no build step. Every text from the repository is set with
// textContent (agents write task files: their bytes are attacker data); the only HTML inserted is the
// server's diff2html output, which escapes every line. The token is the first path segment; relative
// URLs carry it, and POSTs repeat it in X-Fleet-Token.

const TOKEN = location.pathname.split("/")[1] ?? "";
const COLUMNS = ["idea", "research", "plan", "implement", "ship", "done"];
const NEEDS_YOU = new Set(["awaiting-approval", "blocked", "failed"]);
const PER_COLUMN = 100;
const NEEDS_YOU_SHOWN = 24;

/** @type {Map<string, any>} */
const cards = new Map();
const expanded = new Set();
let openTask = null; // { id, detail }
let routedId = null; // the task the URL names (#task/<id>), or null
let drawQueued = false;

/** Creates an element: `props` are properties (className, textContent, onclick, dataset…), children nodes or strings. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("aria-") || key === "role" || key === "for") node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

function usd(n) {
  return n === null || n === undefined ? null : `$${n.toFixed(n < 1 ? 4 : 2)}`;
}

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
  );
}

/** What a card waiting for the person asks of them. */
function need(card) {
  if (card.status === "awaiting-approval")
    return card.phase === "ship" ? "approve the change before ship" : "review the plan: approve or reject";
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

async function request(url, options = {}) {
  const res = await fetch(url, options);
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok)
    throw Object.assign(new Error(body.error ?? `HTTP ${res.status}`), { hint: body.hint ?? null });
  return body;
}

function post(id, action, body = {}) {
  return request(`api/tasks/${encodeURIComponent(id)}/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Fleet-Token": TOKEN },
    body: JSON.stringify(body),
  });
}

// ---- the task page -------------------------------------------------------------------------------

function section(title, ...children) {
  return el(
    "section",
    { className: `part ${title.toLowerCase().replace(/\W+/g, "-")}` },
    el("h3", {}, title),
    ...children,
  );
}

function diffNode(diff, testid) {
  const box = el("div", { className: "diff", dataset: { testid } });
  box.innerHTML = diff.html; // diff2html's output: every line of the diff is escaped by it.
  return el(
    "div",
    {},
    el(
      "p",
      {},
      `${diff.subject} — `,
      el("span", { className: "hash" }, diff.commit.slice(0, 12)),
      ` (+${diff.added} −${diff.removed})${diff.truncated ? ", cut: too large to show whole" : ""}`,
    ),
    box,
  );
}

function say(kind, text) {
  const box = document.querySelector("#task .message-box");
  box?.replaceChildren(el("div", { className: `message ${kind}`, role: "status" }, text));
}

async function act(id, action, body) {
  try {
    const result = await post(id, action, body);
    say(
      "ok",
      `${action}: ${result.from.phase} / ${result.from.status} → ${result.to.phase} / ${result.to.status}${result.commit ? ` — commit ${result.commit.slice(0, 12)}` : ""}`,
    );
    await loadTask(id, { keepMessage: true, force: true });
  } catch (err) {
    say("error", `${err.message}${err.hint ? ` ${err.hint}` : ""}`);
  }
}

function textForm(id, action, label, field, placeholder, className = "") {
  const input = el("textarea", { name: field, placeholder, "aria-label": placeholder });
  return el(
    "form",
    {
      className: `act-${action}`,
      onsubmit: (e) => {
        e.preventDefault();
        if (!input.value.trim()) return say("error", `Write the ${field} first.`);
        void act(id, action, { [field]: input.value });
      },
    },
    input,
    el("button", { type: "submit", className }, label),
  );
}

function actions(d) {
  const t = d.task.record;
  const id = t.id;
  const out = [];
  const awaiting = t.status === "awaiting-approval";
  if (awaiting && d.plan?.sha256) {
    out.push(
      el(
        "button",
        { className: "primary act-approve", onclick: () => act(id, "approve", { sha256: d.plan.sha256 }) },
        `Approve ${t.phase === "ship" ? "ship" : "plan"}`,
      ),
    );
  }
  if (awaiting && t.phase === "plan") out.push(textForm(id, "reject", "Reject", "reason", "what to change"));
  if (t.status === "blocked" && t.question)
    out.push(textForm(id, "answer", "Answer", "answer", "your answer", "primary"));
  if (t.phase === "idea" && t.status === "draft")
    out.push(
      el(
        "button",
        { className: "primary act-ready", onclick: () => act(id, "ready", {}) },
        "Ready for research",
      ),
    );
  if (t.status === "failed")
    out.push(el("button", { className: "act-retry", onclick: () => act(id, "retry", {}) }, "Retry"));
  if (t.phase !== "done" && t.phase !== "dropped")
    out.push(textForm(id, "drop", "Drop", "reason", "why drop it", "danger"));
  return el("div", { className: "actions" }, out);
}

function approvalLine(plan) {
  const a = plan.record.approval;
  const text = {
    none: "not approved yet",
    valid: a ? `approved by ${a.by} at ${a.at} — still valid` : "approved",
    voided: a ? `approval by ${a.by} at ${a.at} VOIDED: the plan or acceptance changed since` : "voided",
  }[plan.approval];
  return el(
    "p",
    {},
    el("span", { className: `approval ${plan.approval}` }, text),
    el("br"),
    "approval hash of what you see: ",
    el("span", { className: "hash", dataset: { testid: "sha256" } }, plan.sha256 ?? "— (no acceptance file)"),
  );
}

function runsTable(runs) {
  if (runs.length === 0) return el("p", {}, "No runs yet.");
  return el(
    "table",
    { className: "runs" },
    el(
      "tr",
      {},
      ["#", "phase", "agent", "outcome", "started", "took", "cost", "gates"].map((h) => el("th", {}, h)),
    ),
    runs.map((r) =>
      el(
        "tr",
        {},
        el("td", {}, String(r.seq)),
        el("td", {}, `${r.phase} (${r.attempt})`),
        el("td", {}, r.agent ?? ""),
        el("td", {}, r.outcome, r.reason ? el("div", { className: "warn" }, r.reason) : null),
        el("td", {}, r.started.replace("T", " ").replace("Z", "")),
        el("td", {}, r.duration_ms === null ? "" : duration(r.duration_ms)),
        el("td", {}, usd(r.cost_usd) ?? ""),
        el(
          "td",
          {},
          r.gates.map((g) =>
            el(
              "details",
              {},
              el("summary", {}, `${g.gate}: ${g.verdict}`),
              el("pre", {}, g.output_tail || "(no output)"),
            ),
          ),
          r.output_tail
            ? el("details", {}, el("summary", {}, "agent output (tail)"), el("pre", {}, r.output_tail))
            : null,
        ),
      ),
    ),
  );
}

function renderTask(d, message) {
  const t = d.task.record;
  const aside = document.getElementById("task");
  const parts = [
    el(
      "button",
      {
        className: "close",
        onclick: () => {
          location.hash = "";
        },
      },
      "Close",
    ),
    el("h2", {}, t.title),
    el(
      "p",
      { className: "state" },
      el("span", { className: "hash" }, t.id),
      " · ",
      el("strong", { dataset: { testid: "state" } }, `${t.phase} / ${t.status}`),
      ` · P${t.priority}`,
      t.cost?.usd ? ` · ${usd(t.cost.usd)}` : "",
    ),
    el("div", { className: "message-box" }, message ?? []),
    t.question
      ? el("div", { className: "question" }, el("strong", {}, "The agent asks: "), t.question)
      : null,
    t.reason ? el("p", { className: "warn" }, t.reason) : null,
    actions(d),
    section("Idea", el("pre", {}, d.task.body.trim() || "(no description)")),
  ];
  if (d.research) parts.push(section("Research", el("pre", {}, d.research.body.trim())));
  if (d.plan) {
    parts.push(
      section(
        "Plan",
        approvalLine(d.plan),
        d.plan.record.rejection
          ? el(
              "p",
              { className: "warn" },
              `Rejected by ${d.plan.record.rejection.by}: ${d.plan.record.rejection.reason}`,
            )
          : null,
        d.proposal ? diffNode(d.proposal, "proposal") : el("pre", {}, d.plan.body.trim()),
      ),
    );
  }
  if (d.acceptance) {
    parts.push(
      section(
        "Acceptance checks",
        d.weak_checks.length > 0
          ? el(
              "ul",
              { className: "warn weak" },
              d.weak_checks.map((w) => el("li", {}, `${w.check}: ${w.warning}`)),
            )
          : null,
        el(
          "ul",
          {},
          d.acceptance.record.checks.map((c) =>
            el("li", {}, el("strong", {}, c.id), ` ${c.says} — `, el("code", {}, c.run)),
          ),
        ),
      ),
    );
  }
  parts.push(section("Runs", runsTable(d.runs)));
  if (d.shipped_diff) parts.push(section("Shipped", diffNode(d.shipped_diff, "shipped")));
  if (d.problems.length > 0) {
    parts.push(
      section(
        "Problems",
        el(
          "ul",
          {},
          d.problems.map((p) => el("li", {}, `${p.file}${p.field ? ` (${p.field})` : ""}: ${p.message}`)),
        ),
      ),
    );
  }
  aside.replaceChildren(...parts.filter(Boolean));
  aside.hidden = false;
}

async function loadTask(id, { keepMessage = false, force = false } = {}) {
  try {
    const d = await request(`api/tasks/${encodeURIComponent(id)}`);
    if (routedId !== id) return; // closed, or another task opened, while this one loaded
    const shown = openTask?.id === id ? openTask.detail : null;
    // What the last action said stays until the next action or another task, whatever redraws the page.
    const message =
      keepMessage || shown ? [...(document.querySelector("#task .message-box")?.childNodes ?? [])] : null;
    if (
      !force &&
      shown?.plan?.sha256 &&
      d.plan?.sha256 !== shown.plan.sha256 &&
      shown.task.record.status === "awaiting-approval"
    ) {
      // Never swap a plan under a reader's eyes: say it changed; approving the old one is refused anyway.
      say("error", "The plan changed since you opened it. ");
      document
        .querySelector("#task .message-box .message")
        ?.append(el("button", { onclick: () => loadTask(id, { force: true }) }, "Reload"));
      return;
    }
    openTask = { id, detail: d };
    renderTask(d, message);
  } catch (err) {
    if (routedId !== id) return;
    document.getElementById("task").replaceChildren(el("p", { className: "message error" }, err.message));
    document.getElementById("task").hidden = false;
  }
}

function route() {
  const m = /^#task\/(.+)$/.exec(location.hash);
  if (m) {
    const id = decodeURIComponent(m[1]);
    routedId = id;
    if (openTask?.id !== id) openTask = null;
    void loadTask(id, { force: true });
  } else {
    routedId = null;
    openTask = null;
    document.getElementById("task").hidden = true;
  }
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
    if (openTask?.id === card.id) void loadTask(card.id);
  });
  source.addEventListener("gone", (e) => {
    cards.delete(JSON.parse(e.data).id);
    queueDraw();
  });
  source.addEventListener("touched", (e) => {
    const { id } = JSON.parse(e.data);
    if (openTask?.id === id) void loadTask(id);
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
