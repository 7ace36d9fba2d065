// The board's task page: the idea, research, the plan as the diff of its proposal commit, the approval
// state and hash, weak checks, runs, the shipped diff, and the person's actions. The only HTML inserted
// is the server's diff2html output, which escapes every line.
import { duration, el, post, request, usd } from "./dom.js";

let openTask = null; // { id, detail }
let routedId = null; // the task the URL names (#task/<id>), or null

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

/** Opens the page of task `id` (the URL says #task/<id>). */
export function showTask(id) {
  routedId = id;
  if (openTask?.id !== id) openTask = null;
  void loadTask(id, { force: true });
}

/** Closes the task page. */
export function hideTask() {
  routedId = null;
  openTask = null;
  document.getElementById("task").hidden = true;
}

/** Reloads the page of task `id` if it is the one open (its files changed). */
export function refreshTask(id) {
  if (openTask?.id === id) void loadTask(id);
}
