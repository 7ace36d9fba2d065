// Small helpers shared by the board's page modules: building elements (text only through text
// nodes: repository text is attacker data), formatting, and talking to the board's API (relative URLs
// carry the token, the first path segment; POSTs repeat it in X-Fleet-Token).

export const TOKEN = location.pathname.split("/")[1] ?? "";

/** Creates an element: `props` are properties (className, textContent, onclick, dataset…), children nodes or strings. */
export function el(tag, props = {}, ...children) {
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

export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

export function usd(n) {
  return n === null || n === undefined ? null : `$${n.toFixed(n < 1 ? 4 : 2)}`;
}

export async function request(url, options = {}) {
  const res = await fetch(url, options);
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok)
    throw Object.assign(new Error(body.error ?? `HTTP ${res.status}`), { hint: body.hint ?? null });
  return body;
}

export function post(id, action, body = {}) {
  return request(`api/tasks/${encodeURIComponent(id)}/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Fleet-Token": TOKEN },
    body: JSON.stringify(body),
  });
}
