// The console: a client of the gateway's public API, one hash route per screen. It holds no rule of its
// own: what a button may do is decided by the API and the contracts behind it; the page only offers the
// actions a caller's role and the bill's state make plausible, and shows the answer.
import { ApiProblem, api, session } from "./api.js";
import { L, h, language, replace, setLanguage } from "./ui.js";
import { problemBox } from "./actions.js";
import { bills, bill, issue } from "./bills.js";
import { dashboard } from "./dashboard.js";
import { transfers } from "./transfers.js";
import { cash } from "./cash.js";
import { regulator } from "./regulator.js";
import { operator } from "./operator.js";
import { transaction } from "./transaction.js";
import { name } from "./words.js";

const ctx = { me: null, refresh: () => render() };

const SCREENS = [
  [/^#\/$/, dashboard, () => L("概览", "Overview")],
  [/^#\/bills$/, bills, () => L("票据", "Bills")],
  [/^#\/bills\/(\d+)$/, bill, null],
  [/^#\/issue$/, issue, () => L("出票", "Issue a bill"), ["ENTERPRISE"]],
  [/^#\/transfers$/, transfers, () => L("转让", "Transfers"), ["BANK", "ENTERPRISE", "REGULATOR", "OPERATOR"]],
  [/^#\/cash$/, cash, () => L("现金", "Cash"), ["BANK", "ENTERPRISE"]],
  [/^#\/regulator$/, regulator, () => L("监管", "Regulator"), ["REGULATOR", "OPERATOR"]],
  [/^#\/operator$/, operator, () => L("运营", "Operator"), ["OPERATOR"]],
  [/^#\/tx\/(0x[0-9a-fA-F]{64})$/, transaction, null],
];
const PATHS = ["#/", "#/bills", null, "#/issue", "#/transfers", "#/cash", "#/regulator", "#/operator", null];

function nav() {
  const here = location.hash || "#/";
  const links = SCREENS.map(([, , title, roles], i) => {
    if (!title || !ctx.me || (roles && !roles.includes(ctx.me.role))) return null;
    const path = PATHS[i];
    const current = here === path || (path === "#/bills" && here.startsWith("#/bills/"));
    return h("a", { href: path, "aria-current": current ? "page" : null, testid: `nav-${path.slice(2) || "home"}` }, title());
  });
  document.getElementById("nav").replaceChildren(...links.filter(Boolean));
  document.getElementById("nav").setAttribute("aria-label", L("主导航", "Main"));
  const who = document.getElementById("who");
  who.replaceChildren();
  if (ctx.me) {
    const custody = ctx.me.custody === "self" ? ` · ${L("自持密钥", "own key")}` : "";
    const status = ctx.me.status && ctx.me.status !== "ACTIVE" ? ` · ${name(ctx.me.status)}` : "";
    who.append(h("span", { testid: "whoami" },
      `${ctx.me.name || ctx.me.id} · ${ctx.me.id} · ${name(ctx.me.role)}${custody}${status} · ${L("网关", "gateway")} ${location.host}`));
  }
  document.getElementById("signout").hidden = !ctx.me;
  document.getElementById("signout").textContent = L("退出", "Sign out");
  document.getElementById("lang").textContent = language() === "zh" ? "English" : "中文";
  document.getElementById("lang").setAttribute("aria-label", language() === "zh" ? "Switch to English" : "切换到中文");
}

function signIn(view, failure) {
  document.title = L("登录 · billchain 控制台", "Sign in · billchain console");
  const token = h("input", { type: "password", name: "token", autocomplete: "off", required: true, id: "token", testid: "token" });
  const form = h("form", { class: "panel", testid: "signin" },
    h("div", { class: "field" }, h("label", { for: "token", text: L("API 令牌", "API token") }), token),
    h("button", { type: "submit", testid: "signin-submit", text: L("登录", "Sign in") }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    session.token = token.value.trim();
    token.value = "";
    await render();
  });
  replace(view,
    h("h1", { text: L("登录 billchain 控制台", "Sign in to the billchain console") }),
    h("p", { class: "muted", text: L("令牌只保存在本标签页的会话存储中，关闭标签页即清除；不会出现在任何网址中。",
      "The token stays in this tab's session storage and is gone when the tab closes; it is never put in a URL.") }),
    failure ? problemBox(failure) : null,
    form,
  );
  token.focus();
}

let rendering = 0;  // a later render wins: an earlier one that finishes after it shows nothing

async function render() {
  const turn = ++rendering;
  const view = document.getElementById("view");
  delete document.body.dataset.shown;
  if (!session.token) {
    ctx.me = null;
    nav();
    signIn(view);
    document.body.dataset.shown = "signin";
    return;
  }
  let me;
  try {
    me = await api("GET", "/v1/me");
    if (turn !== rendering) return;
    ctx.me = me;
    if (ctx.me.role === "OPERATOR") ctx.me.name = L("平台运营方", "Platform operator");
  } catch (error) {
    if (turn !== rendering) return;
    ctx.me = null;
    if (error instanceof ApiProblem && error.status === 401) session.token = null;
    nav();
    signIn(view, error);
    document.body.dataset.shown = "signin";
    return;
  }
  nav();
  const hash = location.hash || "#/";
  const screen = SCREENS.find(([pattern]) => pattern.test(hash));
  if (!screen) {
    location.hash = "#/";
    return;
  }
  const [pattern, show, title] = screen;
  const match = hash.match(pattern);
  document.title = `${title ? title() : L("票据", "Bill")} · billchain`;
  const next = h("div");
  try {
    await show(next, ctx, ...match.slice(1));
  } catch (error) {
    next.replaceChildren(problemBox(error));
  }
  if (turn !== rendering) return;
  view.replaceChildren(...next.childNodes);
  document.body.dataset.shown = hash;  // what the browser tests wait for
}

document.getElementById("lang").addEventListener("click", () => {
  setLanguage(language() === "zh" ? "en" : "zh");
  render();
});
document.getElementById("signout").addEventListener("click", () => {
  session.token = null;
  location.hash = "#/";
  render();
});
window.addEventListener("hashchange", () => {
  render().then(() => document.getElementById("main").focus());
});
setLanguage(language());
render();
