// The console: a client of the gateway's public API, one hash route per screen. It holds no rule of its
// own: what a button may do is decided by the API and the contracts behind it; the page only offers the
// actions a caller's role and the bill's state make plausible, and shows the answer.
import { ApiProblem, api, session } from "./api.js";
import { t, language, setLanguage } from "./messages.js";
import { byId, h, replace } from "./ui.js";
import { problemBox } from "./actions.js";
import { bills, bill, issue } from "./bills.js";
import { dashboard } from "./dashboard.js";
import { transfers } from "./transfers.js";
import { cash } from "./cash.js";
import { regulator } from "./regulator.js";
import { operator } from "./operator.js";
import { transaction } from "./transaction.js";
import { participant } from "./participant.js";
import { name } from "./words.js";

/**
 * A screen: the route it answers (its groups are show's arguments), and, for a screen the navigation
 * links to, its path, its title and the roles it is for (every role when absent). A screen without a
 * path is reached by a link on another one; its title is the page's.
 * @typedef {object} Screen
 * @property {RegExp} pattern
 * @property {(view: HTMLElement, ctx: Ctx, ...groups: string[]) => Promise<void>} show
 * @property {import("./messages.js").TextKey} title
 * @property {string} [path]
 * @property {Api.Role[]} [roles]
 */

/** @type {Screen[]} */
const SCREENS = [
  { pattern: /^#\/$/, show: dashboard, title: "screen.overview", path: "#/" },
  { pattern: /^#\/bills$/, show: bills, title: "screen.bills", path: "#/bills" },
  { pattern: /^#\/bills\/(\d+)$/, show: bill, title: "screen.bill" },
  { pattern: /^#\/issue$/, show: issue, title: "screen.issue", path: "#/issue", roles: ["ENTERPRISE"] },
  { pattern: /^#\/transfers$/, show: transfers, title: "screen.transfers", path: "#/transfers", roles: ["BANK", "ENTERPRISE", "REGULATOR", "OPERATOR"] },
  { pattern: /^#\/cash$/, show: cash, title: "screen.cash", path: "#/cash", roles: ["BANK", "ENTERPRISE"] },
  { pattern: /^#\/regulator$/, show: regulator, title: "screen.regulator", path: "#/regulator", roles: ["REGULATOR", "OPERATOR"] },
  { pattern: /^#\/operator$/, show: operator, title: "screen.operator", path: "#/operator", roles: ["OPERATOR"] },
  { pattern: /^#\/tx\/(0x[0-9a-fA-F]{64})$/, show: transaction, title: "screen.transaction" },
  { pattern: /^#\/participants\/([a-z0-9][a-z0-9-]*)$/, show: participant, title: "screen.participant" },
];

/** @type {Api.Me | null} who is signed in, once /v1/me answered */
let me = null;
const refresh = () => render();

function nav() {
  const here = location.hash || "#/";
  const links = SCREENS.map(({ path, title, roles }) => {
    if (!path || !me || (roles && !roles.includes(me.role))) return null;
    const current = here === path || (path === "#/bills" && here.startsWith("#/bills/"));
    return h("a", { href: path, "aria-current": current ? "page" : null, testid: `nav-${path.slice(2) || "home"}` }, t(title));
  });
  replace(byId("nav"), links);
  byId("nav").setAttribute("aria-label", t("nav.label"));
  const who = byId("who");
  who.replaceChildren();
  if (me) {
    const custody = me.custody === "self" ? ` · ${t("nav.ownKey")}` : "";
    const status = me.status && me.status !== "ACTIVE" ? ` · ${name(me.status)}` : "";
    who.append(h("span", { testid: "whoami" },
      `${me.name || me.id} · ${me.id} · ${name(me.role)}${custody}${status} · ${t("nav.gateway")} ${location.host}`));
  }
  byId("signout").hidden = !me;
  byId("signout").textContent = t("nav.signOut");
  byId("lang").textContent = language() === "zh" ? "English" : "中文";
  byId("lang").setAttribute("aria-label", language() === "zh" ? "Switch to English" : "切换到中文");
}

/**
 * @param {HTMLElement} view
 * @param {unknown} [failure] why the token did not sign in
 */
function signIn(view, failure) {
  document.title = t("signin.pageTitle");
  const token = h("input", { type: "password", name: "token", autocomplete: "off", required: true, id: "token", testid: "token" });
  const form = h("form", { class: "panel", testid: "signin" },
    h("div", { class: "field" }, h("label", { for: "token", text: t("signin.token") }), token),
    h("button", { type: "submit", testid: "signin-submit", text: t("signin.submit") }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    session.token = token.value.trim();
    token.value = "";
    await render();
  });
  replace(view,
    h("h1", { text: t("signin.title") }),
    h("p", { class: "muted", text: t("signin.tokenKept") }),
    failure ? problemBox(failure) : null,
    form,
  );
  token.focus();
}

let rendering = 0;  // a later render wins: an earlier one that finishes after it shows nothing

async function render() {
  const turn = ++rendering;
  const view = byId("view");
  delete document.body.dataset.shown;
  if (!session.token) {
    me = null;
    nav();
    signIn(view);
    document.body.dataset.shown = "signin";
    return;
  }
  /** @type {Api.Me} */
  let signedIn;
  try {
    signedIn = await api("GET", "/v1/me");
    if (turn !== rendering) return;
    if (signedIn.role === "OPERATOR") signedIn.name = t("nav.platformOperator");
    me = signedIn;
  } catch (error) {
    if (turn !== rendering) return;
    me = null;
    if (error instanceof ApiProblem && error.status === 401) session.token = null;
    nav();
    signIn(view, error);
    document.body.dataset.shown = "signin";
    return;
  }
  nav();
  const hash = location.hash || "#/";
  const screen = SCREENS.find(({ pattern }) => pattern.test(hash));
  const match = screen && hash.match(screen.pattern);
  if (!screen || !match) {
    location.hash = "#/";
    return;
  }
  document.title = `${t(screen.title)} · billchain`;
  const next = h("div");
  try {
    await screen.show(next, { me: signedIn, refresh }, ...match.slice(1));
  } catch (error) {
    replace(next, problemBox(error));
  }
  if (turn !== rendering) return;
  view.replaceChildren(...next.childNodes);
  document.body.dataset.shown = hash;  // what the browser tests wait for
}

byId("lang").addEventListener("click", () => {
  setLanguage(language() === "zh" ? "en" : "zh");
  render();
});
byId("signout").addEventListener("click", () => {
  session.token = null;
  location.hash = "#/";
  render();
});
window.addEventListener("hashchange", () => {
  render().then(() => byId("main").focus());
});
setLanguage(language());
render();
