// The console's one way to the gateway: same origin, the token from session storage in the
// Authorization header (never in a URL), problems (RFC 9457) turned into ApiProblem.
const TOKEN = "billchain.token";

export class ApiProblem extends Error {
  /**
   * @param {number} status
   * @param {{code?: string, title?: string, detail?: string}} body the problem (RFC 9457) the gateway answered
   */
  constructor(status, body) {
    super(body.detail || body.title || String(status));
    this.status = status;
    this.code = body.code || "HTTP_" + status;
    this.title = body.title || "";
    this.detail = body.detail || "";
  }
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN); },
  /** @param {string | null} value */
  set token(value) { value ? sessionStorage.setItem(TOKEN, value) : sessionStorage.removeItem(TOKEN); },
};

/**
 * A request to the gateway: the answer's JSON (null for 204), or its body as a Blob (`blob`); a problem
 * thrown as ApiProblem. `raw` sends `body` as it is (an upload), else as JSON.
 * @param {"GET" | "POST"} method
 * @param {string} path
 * @param {{body?: any, headers?: Record<string, string>, raw?: boolean, blob?: boolean}} [options]
 * @returns {Promise<any>}
 */
export async function api(method, path, { body, headers = {}, raw = false, blob = false } = {}) {
  /** @type {Record<string, string>} */
  const sent = { ...headers };
  /** @type {RequestInit} */
  const init = { method, headers: sent, credentials: "omit", cache: "no-store" };
  if (session.token) sent.Authorization = "Bearer " + session.token;
  if (raw) {
    init.body = body;
  } else if (body !== undefined) {
    sent["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let problem = {};
    try { problem = await response.json(); } catch { problem = { detail: response.statusText }; }
    throw new ApiProblem(response.status, problem);
  }
  if (blob) return response.blob();
  if (response.status === 204) return null;
  return response.json();
}

/**
 * A write: a fresh Idempotency-Key per confirmed action, so a retried request acts once.
 * @param {string} path
 * @param {object} body
 * @param {Record<string, string>} [headers]
 */
export function write(path, body, headers = {}) {
  return api("POST", path, { body, headers: { "Idempotency-Key": crypto.randomUUID(), ...headers } });
}

/**
 * Every page of a list.
 * @param {string} path
 * @param {number} [limit]
 * @returns {Promise<any[]>}
 */
export async function all(path, limit = 500) {
  /** @type {any[]} */
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api("GET", `${path}${sep}limit=${limit}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""));
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}
