// Small DOM helpers: elements are built from data as text nodes (never parsed as markup), so a name or a
// reason a participant typed cannot run as script here; and the language switch (中文 / English).
let lang = localStorage.getItem("billchain.lang") === "en" ? "en" : "zh";

export const L = (zh, en) => (lang === "zh" ? zh : en);
export const language = () => lang;
export function setLanguage(value) {
  lang = value;
  localStorage.setItem("billchain.lang", value);
  document.documentElement.lang = value === "zh" ? "zh-CN" : "en";
}

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "testid") el.setAttribute("data-testid", value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  return append(el, ...children);
}

/**
 * Children as h() takes them: arrays flattened, null, undefined and false left out (a part a condition
 * leaves out: `failure ? problemBox(failure) : null`), anything else a node or a text node. The DOM's own
 * append and replaceChildren would show those as the words "null", "undefined", "false": a screen's
 * children go through append() and replace() below, never through them directly.
 */
function nodes(children) {
  return children.flat(Infinity)
    .filter((child) => child !== undefined && child !== null && child !== false)
    .map((child) => (child instanceof Node ? child : document.createTextNode(String(child))));
}

export function append(el, ...children) {
  el.append(...nodes(children));
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren(...nodes(children));
  return el;
}

let fieldSeq = 0;
/** A labelled form field (label for= id): what axe-core and a screen reader need. */
export function field(label, control) {
  const id = control.id || `f${++fieldSeq}`;
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id, text: label }), control);
}

export function table(headers, rows, { testid, caption } = {}) {
  return h(
    "table",
    { testid },
    caption ? h("caption", { class: "muted", text: caption }) : null,
    h("thead", {}, h("tr", {}, headers.map(([text, cls]) => h("th", { scope: "col", class: cls, text })))),
    h("tbody", {}, rows.length
      ? rows.map((cells) => h("tr", {}, cells.map((c, i) => h("td", { class: headers[i][1] }, c ?? ""))))
      : h("tr", {}, h("td", { colspan: headers.length, class: "muted", text: L("无", "None") }))),
  );
}

/** "1234567.50" as "1,234,567.50" (strings all the way: money is never a float here). */
export function money(amount) {
  if (amount === null || amount === undefined) return "";
  const [whole, cents = "00"] = String(amount).split(".");
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + cents.padEnd(2, "0");
}

/** Fen as an integer (BigInt) from an amount string, for sums. */
export function fen(amount) {
  const [whole, cents = "0"] = String(amount).split(".");
  return BigInt(whole) * 100n + BigInt(cents.padEnd(2, "0").slice(0, 2));
}

export function yuan(fenValue) {
  const v = BigInt(fenValue);
  return `${v / 100n}.${String(v % 100n).padStart(2, "0")}`;
}

export function toast(message) {
  const box = document.getElementById("toast");
  box.replaceChildren(h("div", { class: "done", text: message }));
  setTimeout(() => { if (box.firstChild && box.firstChild.textContent === message) box.replaceChildren(); }, 6000);
}

/** Save a fetched file (a CSV, a document) from a blob: the token stays in the request's header. */
export function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
