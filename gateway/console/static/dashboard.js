// The overview: cash, what I hold by state, what I owe at maturity, and what waits for me, with counts; and,
// for a participant, every API token issued to it, so that a token the operator reissued is seen by the one
// whose old token it ended.
import { all, api } from "./api.js";
import { t } from "./messages.js";
import { append, fen, h, money, shanghaiTime, table, yuan } from "./ui.js";
import { name } from "./words.js";

/**
 * @param {string} label
 * @param {string} value
 * @param {string} testid
 */
function card(label, value, testid) {
  return h("div", { class: "card", testid }, h("div", { class: "muted", text: label }), h("div", { class: "big", text: value }));
}

/**
 * Who issued a token, in words: the operator, the participant itself, or (another gateway's) an id.
 * @param {string} by
 * @param {Api.Me} me
 */
function issuer(by, me) {
  if (by === "operator") return t("dashboard.issuer.operator");
  return by === me.id ? t("dashboard.issuer.you") : by;
}

/**
 * The caller's own API tokens, oldest first (GET /v1/participants/{id}/token-events).
 * @param {Api.Me} me
 */
async function tokenEvents(me) {
  /** @type {Api.TokenEvent[]} */
  const events = await all(`/v1/participants/${encodeURIComponent(me.id)}/token-events`);
  const last = events[events.length - 1];
  return [
    h("h2", { text: t("dashboard.tokens") }),
    last && last.kind === "REISSUED" ? h("p", { class: "consequence", testid: "token-reissued", text: t("dashboard.tokenReissued", { at: shanghaiTime(last.at) }) }) : null,
    table([[t("col.time")], [t("col.event")], [t("dashboard.tokens.issuedBy")]],
      events.map((e) => [shanghaiTime(e.at), name(`TOKEN_${e.kind}`), issuer(e.by, me)]),
      { testid: "token-events", caption: t("dashboard.tokens.caption") }),
  ];
}

/**
 * What a participant must not miss about itself: a key recovery of it under way (which it may cancel with its
 * current key, if it did not ask for it), its standing as a persistently overdue acceptor; and its page.
 * @param {Api.Me} me
 */
function standingNotes(me) {
  const page = `#/participants/${encodeURIComponent(me.id)}`;
  return [
    me.recovery ? h("p", { class: "consequence", testid: "recovery-notice" },
      t("dashboard.recoveryRequested", { address: me.recovery.address }), " ", h("a", { href: page, text: t("dashboard.recoveryGo") })) : null,
    me.persistently_overdue ? h("p", { class: "problem", testid: "overdue-notice", text: t("dashboard.persistentlyOverdue") }) : null,
    h("p", {}, h("a", { href: page, testid: "my-participant-page", text: t("dashboard.myPage") })),
  ];
}

/**
 * @param {HTMLElement} view
 * @param {Ctx} ctx
 */
export async function dashboard(view, ctx) {
  const me = ctx.me;
  append(view, h("h1", { text: t("screen.overview") }));
  if (me.status === "PENDING") {  // it may read itself and nothing more until an ACTIVE regulator approves it
    append(view, h("p", { class: "consequence", testid: "pending", text: t("dashboard.pending") }));
    return;
  }
  if (me.role !== "OPERATOR") append(view, standingNotes(me));
  if (me.role === "REGULATOR" || me.role === "OPERATOR") {
    /** @type {[Api.Bill[], Api.Transfer[], Api.Participant[]]} */
    const [bills, transfers, parts] = await Promise.all([all("/v1/bills"), all("/v1/transfers?status=PENDING"), all("/v1/participants")]);
    append(view, h("div", { class: "cards" },
      card(t("participants.title"), String(parts.length), "card-participants"),
      card(t("screen.bills"), String(bills.length), "card-bills"),
      card(t("dashboard.pendingTransfers"), String(transfers.length), "card-pending"),
      card(t("dashboard.frozenBills"), String(bills.filter((b) => b.frozen || b.ranges.some((r) => r.frozen)).length), "card-frozen")));
    append(view, h("p", {}, h("a", { href: me.role === "OPERATOR" ? "#/operator" : "#/regulator", text: t("dashboard.reports") })));
    if (me.role === "REGULATOR") append(view, await tokenEvents(me));
    return;
  }
  /** @type {[{balance: string}, Api.Bill[], Api.Transfer[], Awaited<ReturnType<typeof tokenEvents>>]} */
  const [balance, bills, incoming, tokens] = await Promise.all([
    api("GET", `/v1/cash/balances/${me.id}`),
    all("/v1/bills"),
    all("/v1/transfers?direction=incoming&status=PENDING"),
    tokenEvents(me),
  ]);
  /** @type {Record<string, bigint>} */
  const byState = {};
  for (const b of bills) for (const r of b.ranges) if (r.holder === me.id) byState[r.state] = (byState[r.state] || 0n) + fen(r.amount);
  let owed = 0n;
  for (const b of bills.filter((x) => x.acceptor === me.id)) {
    if (b.status === "ACCEPTED") owed += fen(b.amount);
    if (b.status === "CIRCULATING") for (const r of b.ranges) if (r.state !== "PAID") owed += fen(r.amount);
  }
  const toAccept = bills.filter((b) => b.status === "ISSUED" && b.acceptor === me.id);
  const toReceive = bills.filter((b) => b.status === "ACCEPTED" && b.payee === me.id);
  const toAnswer = bills.filter((b) => b.acceptor === me.id && b.ranges.some((r) => r.state === "PRESENTED"));
  append(view,
    h("div", { class: "cards" },
      card(t("dashboard.cashBalance"), money(balance.balance), "card-balance"),
      card(t("dashboard.owed"), money(yuan(owed)), "card-owed"),
      card(t("dashboard.waiting"), String(incoming.length + toAccept.length + toReceive.length + toAnswer.length), "card-waiting")),
    h("h2", { text: t("dashboard.held") }),
    table([[t("col.state")], [t("col.amountCny"), "num"]],
      Object.entries(byState).map(([s, v]) => [name(s), money(yuan(v))]), { testid: "held-by-state" }),
    h("h2", { text: t("dashboard.waitingItems") }),
    table([[t("dashboard.col.item")], [t("dashboard.col.count"), "num"], [t("dashboard.col.go")]], [
      [t("dashboard.transfersToSign"), incoming.length, h("a", { href: "#/transfers", text: t("screen.transfers") })],
      [t("dashboard.billsToAccept"), toAccept.length, toAccept.map((b) => h("a", { href: `#/bills/${b.id}`, text: `${b.id} ` }))],
      [t("dashboard.billsToReceive"), toReceive.length, toReceive.map((b) => h("a", { href: `#/bills/${b.id}`, text: `${b.id} ` }))],
      [t("dashboard.presentmentsToAnswer"), toAnswer.length, toAnswer.map((b) => h("a", { href: `#/bills/${b.id}`, text: `${b.id} ` }))],
    ], { testid: "waiting" }),
    tokens,
  );
}
