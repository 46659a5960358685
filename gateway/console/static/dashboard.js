// The overview: cash, what I hold by state, what I owe at maturity, and what waits for me, with counts; and,
// for a participant, every API token issued to it, so that a token the operator reissued is seen by the one
// whose old token it ended.
import { all, api } from "./api.js";
import { L, append, fen, h, money, table, yuan } from "./ui.js";
import { name } from "./words.js";

function card(label, value, testid) {
  return h("div", { class: "card", testid }, h("div", { class: "muted", text: label }), h("div", { class: "big", text: value }));
}

/** Who issued a token, in words: the operator, the participant itself, or (another gateway's) an id. */
function issuer(by, me) {
  if (by === "operator") return L("运营方", "the operator");
  return by === me.id ? L("本人", "you") : by;
}

/** The caller's own API tokens, oldest first (GET /v1/participants/{id}/token-events). */
async function tokenEvents(me) {
  const events = await all(`/v1/participants/${encodeURIComponent(me.id)}/token-events`);
  const last = events[events.length - 1];
  return [
    h("h2", { text: L("我的 API 令牌", "My API tokens") }),
    last && last.kind === "REISSUED" ? h("p", { class: "consequence", testid: "token-reissued",
      text: L(`运营方于 ${last.at} 为您重新签发了令牌，此前的令牌均已失效。如非您申请，请立即联系运营方。`,
        `The operator issued you a new token at ${last.at}; every earlier one stopped working. If you did not ask for it, tell the operator at once.`) }) : null,
    table([[L("时间", "Time")], [L("事件", "Event")], [L("签发人", "Issued by")]],
      events.map((e) => [e.at, name(`TOKEN_${e.kind}`), issuer(e.by, me)]),
      { testid: "token-events", caption: L("本网关为您签发的每个令牌；新令牌签发后，旧令牌立即失效", "Every token this gateway issued you; each new one ends the one before") }),
  ];
}

export async function dashboard(view, ctx) {
  const me = ctx.me;
  append(view, h("h1", { text: L("概览", "Overview") }));
  if (me.status === "PENDING") {  // it may read itself and nothing more until an ACTIVE regulator approves it
    append(view, h("p", { class: "consequence", testid: "pending",
      text: L("您的账户等待一位现任监管机构批准；批准前只能查看本人信息。", "Your account waits for an active regulator's approval; until then you may only see yourself.") }));
    return;
  }
  if (me.role === "REGULATOR" || me.role === "OPERATOR") {
    const [bills, transfers, parts] = await Promise.all([all("/v1/bills"), all("/v1/transfers?status=PENDING"), all("/v1/participants")]);
    append(view, h("div", { class: "cards" },
      card(L("参与者", "Participants"), String(parts.length), "card-participants"),
      card(L("票据", "Bills"), String(bills.length), "card-bills"),
      card(L("待处理转让", "Pending transfers"), String(transfers.length), "card-pending"),
      card(L("冻结的票据", "Frozen bills"), String(bills.filter((b) => b.frozen || b.ranges.some((r) => r.frozen)).length), "card-frozen")));
    append(view, h("p", {}, h("a", { href: me.role === "OPERATOR" ? "#/operator" : "#/regulator", text: L("查看报表与管理 →", "Reports and administration →") })));
    if (me.role === "REGULATOR") append(view, await tokenEvents(me));
    return;
  }
  const [balance, bills, incoming, tokens] = await Promise.all([
    api("GET", `/v1/cash/balances/${me.id}`),
    all("/v1/bills"),
    all("/v1/transfers?direction=incoming&status=PENDING"),
    tokenEvents(me),
  ]);
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
      card(L("现金余额（元）", "Cash balance (CNY)"), money(balance.balance), "card-balance"),
      card(L("到期应付（元）", "Owed at maturity (CNY)"), money(yuan(owed)), "card-owed"),
      card(L("待我处理", "Waiting for me"), String(incoming.length + toAccept.length + toReceive.length + toAnswer.length), "card-waiting")),
    h("h2", { text: L("我持有的票据（按状态）", "What I hold, by state") }),
    table([[L("状态", "State")], [L("金额（元）", "Amount (CNY)"), "num"]],
      Object.entries(byState).map(([s, v]) => [name(s), money(yuan(v))]), { testid: "held-by-state" }),
    h("h2", { text: L("待我处理的事项", "Waiting for my action") }),
    table([[L("事项", "Item")], [L("数量", "Count"), "num"], [L("去处理", "Go")]], [
      [L("待签收的转让", "Transfers to sign"), incoming.length, h("a", { href: "#/transfers", text: L("转让", "Transfers") })],
      [L("待承兑的票据", "Bills to accept"), toAccept.length, toAccept.map((b) => h("a", { href: `#/bills/${b.id}`, text: `${b.id} ` }))],
      [L("待签收的票据", "Bills to receive"), toReceive.length, toReceive.map((b) => h("a", { href: `#/bills/${b.id}`, text: `${b.id} ` }))],
      [L("待应答的提示付款", "Presentments to answer"), toAnswer.length, toAnswer.map((b) => h("a", { href: `#/bills/${b.id}`, text: `${b.id} ` }))],
    ], { testid: "waiting" }),
    tokens,
  );
}
