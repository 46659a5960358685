// Small DOM helpers: elements are built from data as text nodes (never parsed as markup), so a name or a
// reason a participant typed cannot run as script here. The words come from messages.js.
import { t } from "./messages.js";

/**
 * An element's attributes: "text" its text, "on<event>" a listener, "testid" data-testid; a value null,
 * undefined or false leaves the attribute out, true sets it empty.
 * @typedef {Record<string, unknown>} Attrs
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (key === "testid") el.setAttribute("data-testid", String(value));
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  return append(el, ...children);
}

/**
 * Children as h() takes them (Child, in types.d.ts): arrays flattened, null, undefined and false left out (a
 * part a condition leaves out: `failure ? problemBox(failure) : null`), anything else a node or a text node.
 * The DOM's own append and replaceChildren would show those as the words "null", "undefined", "false": a
 * screen's children go through append() and replace() below, never through them directly.
 * @param {Child[]} children
 * @returns {Node[]}
 */
function nodes(children) {
  // unknown[]: TypeScript cannot type flat(Infinity) of a type that nests itself
  return /** @type {unknown[]} */ (children).flat(Infinity)
    .filter((child) => child !== undefined && child !== null && child !== false)
    .map((child) => (child instanceof Node ? child : document.createTextNode(String(child))));
}

/**
 * @template {Element} E
 * @param {E} el
 * @param {...Child} children
 * @returns {E}
 */
export function append(el, ...children) {
  el.append(...nodes(children));
  return el;
}

/**
 * @template {Element} E
 * @param {E} el
 * @param {...Child} children
 * @returns {E}
 */
export function replace(el, ...children) {
  el.replaceChildren(...nodes(children));
  return el;
}

let fieldSeq = 0;
/**
 * A labelled form field (label for= id): what axe-core and a screen reader need.
 * @param {string} label
 * @param {HTMLElement} control
 */
export function field(label, control) {
  const id = control.id || `f${++fieldSeq}`;
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id, text: label }), control);
}

/**
 * A table: each header [text] or [text, class] (the class given to its column's cells), rows of cells.
 * @param {string[][]} headers
 * @param {Child[][]} rows
 * @param {{testid?: string, caption?: string}} [options]
 */
export function table(headers, rows, { testid, caption } = {}) {
  return h(
    "table",
    { testid },
    caption ? h("caption", { class: "muted", text: caption }) : null,
    h("thead", {}, h("tr", {}, headers.map(([text, cls]) => h("th", { scope: "col", class: cls, text })))),
    h("tbody", {}, rows.length
      ? rows.map((cells) => h("tr", {}, cells.map((c, i) => h("td", { class: headers[i][1] }, c ?? ""))))
      : h("tr", {}, h("td", { colspan: headers.length, class: "muted", text: t("table.none") }))),
  );
}

/**
 * "1234567.50" as "1,234,567.50" (strings all the way: money is never a float here).
 * @param {string | null | undefined} amount
 */
export function money(amount) {
  if (amount === null || amount === undefined) return "";
  const [whole, cents = "00"] = String(amount).split(".");
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + cents.padEnd(2, "0");
}

/**
 * A time as Asia/Shanghai's wall clock, "2026-12-07 12:34:03": from Unix seconds, or an ISO 8601 time.
 * @param {number | string} time
 */
export function shanghaiTime(time) {
  const ms = typeof time === "number" ? time * 1000 : Date.parse(time);
  return new Date(ms + 8 * 3600 * 1000).toISOString().replace("T", " ").slice(0, 19);
}

/**
 * A hash shortened for a table cell (0x9f2c4e0a…c9d8e), the whole of it in its title.
 * @param {string} hash
 */
export function shortHash(hash) {
  return h("code", { class: "hash", title: hash, text: `${hash.slice(0, 10)}…${hash.slice(-6)}` });
}

/**
 * Fen as an integer (BigInt) from an amount string, for sums.
 * @param {string} amount
 */
export function fen(amount) {
  const [whole, cents = "0"] = String(amount).split(".");
  return BigInt(whole) * 100n + BigInt(cents.padEnd(2, "0").slice(0, 2));
}

/**
 * Fen (an integer) as an amount string: 123456n as "1234.56".
 * @param {bigint | number | string} fenValue
 */
export function yuan(fenValue) {
  const v = BigInt(fenValue);
  return `${v / 100n}.${String(v % 100n).padStart(2, "0")}`;
}

/**
 * An element of the page (index.html) by its id; one that is not there is a slip of this code.
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`no element #${id}`);
  return el;
}

/** @param {string} message */
export function toast(message) {
  const box = byId("toast");
  box.replaceChildren(h("div", { class: "done", text: message }));
  setTimeout(() => { if (box.firstChild && box.firstChild.textContent === message) box.replaceChildren(); }, 6000);
}

/**
 * Save a fetched file (a CSV, a document) from a blob: the token stays in the request's header.
 * @param {Blob} blob
 * @param {string} name
 */
export function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
