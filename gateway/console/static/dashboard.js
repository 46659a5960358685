// The overview: cash, what I hold by state, what I owe at maturity, and what waits for me, with counts.
import { all, api } from "./api.js";
import { L, fen, h, money, table, yuan } from "./ui.js";
import { name } from "./words.js";

function card(label, value, testid) {
  return h("div", { class: "card", testid }, h("div", { class: "muted", text: label }), h("div", { class: "big", text: value }));
}

export async function dashboard(view, ctx) {
  const me = ctx.me;
  view.append(h("h1", { text: L("概览", "Overview") }));
  if (me.role === "REGULATOR" || me.role === "OPERATOR") {
    const [bills, transfers, parts] = await Promise.all([all("/v1/bills"), all("/v1/transfers?status=PENDING"), all("/v1/participants")]);
    view.append(h("div", { class: "cards" },
      card(L("参与者", "Participants"), String(parts.length), "card-participants"),
      card(L("票据", "Bills"), String(bills.length), "card-bills"),
      card(L("待处理转让", "Pending transfers"), String(transfers.length), "card-pending"),
      card(L("冻结的票据", "Frozen bills"), String(bills.filter((b) => b.frozen || b.ranges.some((r) => r.frozen)).length), "card-frozen")));
    view.append(h("p", {}, h("a", { href: me.role === "OPERATOR" ? "#/operator" : "#/regulator", text: L("查看报表与管理 →", "Reports and administration →") })));
    return;
  }
  const [balance, bills, incoming] = await Promise.all([
    api("GET", `/v1/cash/balances/${me.id}`),
    all("/v1/bills"),
    all("/v1/transfers?direction=incoming&status=PENDING"),
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
  view.append(
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
  );
}
