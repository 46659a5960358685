// Cash: balance and movements (mint, transfer, and the cash legs of discounts, payments and recourse).
import { action } from "./actions.js";
import { all, api } from "./api.js";
import { L, append, h, money, table } from "./ui.js";
import { name } from "./words.js";

export async function cash(view, ctx) {
  const me = ctx.me;
  const [balance, moves] = await Promise.all([api("GET", `/v1/cash/balances/${me.id}`), all(`/v1/cash/movements/${me.id}`)]);
  const acts = [];
  const fields = [{ name: "to", label: L("收款方（参与者编号）", "To (participant id)"), required: true },
    { name: "amount", label: L("金额（元）", "Amount (CNY)"), required: true, inputmode: "decimal" }];
  if (me.role === "BANK") {
    acts.push(action({ key: "mint", label: L("发行数字现金", "Mint digital cash"), fields, path: "/v1/cash/mint",
      body: (v) => ({ to: v.to, amount: v.amount }),
      consequence: (v) => L(`您将向 ${v.to} 发行 ${money(v.amount)} 元数字现金，计入您的发行额度。`, `You mint ${money(v.amount)} CNY of digital cash to ${v.to}, counted against your mint limit.`) }, ctx));
  }
  acts.push(action({ key: "pay-cash", label: L("转账", "Pay"), fields, path: "/v1/cash/transfer",
    body: (v) => ({ to: v.to, amount: v.amount }),
    consequence: (v) => L(`您将向 ${v.to} 转账 ${money(v.amount)} 元。`, `You pay ${money(v.amount)} CNY to ${v.to}.`) }, ctx));
  append(view,
    h("h1", { text: L("现金", "Cash") }),
    h("div", { class: "cards" }, h("div", { class: "card", testid: "cash-balance" }, h("div", { class: "muted", text: L("余额（元）", "Balance (CNY)") }), h("div", { class: "big", text: money(balance.balance) }))),
    h("div", {}, acts),
    h("h2", { text: L("资金流水", "Movements") }),
    table([[L("类型", "Kind")], [L("付款方", "From")], [L("收款方", "To")], [L("金额（元）", "Amount (CNY)"), "num"], [L("票据", "Bill")], [L("区块", "Block"), "num"], [L("时间", "Time")]],
      [...moves].reverse().map((m) => [name(m.kind), m.from || L("（发行）", "(minted)"), m.to,
        (m.to === me.id ? "+" : "−") + money(m.amount), m.bill_id ? h("a", { href: `#/bills/${m.bill_id}`, text: String(m.bill_id) }) : "", m.block_number, m.timestamp]),
      { testid: "movements" }),
  );
}
