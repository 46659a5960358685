// Cash: balance and movements (mint, transfer, and the cash legs of discounts, payments and recourse).
import { action } from "./actions.js";
import { all, api } from "./api.js";
import { t } from "./messages.js";
import { append, h, money, shanghaiTime, table } from "./ui.js";
import { name } from "./words.js";

/**
 * @param {HTMLElement} view
 * @param {Ctx} ctx
 */
export async function cash(view, ctx) {
  const me = ctx.me;
  const [balance, moves] = await Promise.all([api("GET", `/v1/cash/balances/${me.id}`), all(`/v1/cash/movements/${me.id}`)]);
  const acts = [];
  /** @type {import("./actions.js").FieldSpec[]} */
  const fields = [{ name: "to", label: t("cash.field.to"), required: true },
    { name: "amount", label: t("col.amountCny"), required: true, inputmode: "decimal" }];
  if (me.role === "BANK") {
    acts.push(action({ key: "mint", label: t("cash.mint"), fields, path: "/v1/cash/mint",
      body: (v) => ({ to: v.to, amount: v.amount }),
      consequence: (v) => t("cash.mint.consequence", { to: v.to, amount: money(v.amount) }) }, ctx));
  }
  acts.push(action({ key: "pay-cash", label: t("cash.pay"), fields, path: "/v1/cash/transfer",
    body: (v) => ({ to: v.to, amount: v.amount }),
    consequence: (v) => t("cash.pay.consequence", { to: v.to, amount: money(v.amount) }) }, ctx));
  append(view,
    h("h1", { text: t("screen.cash") }),
    h("div", { class: "cards" }, h("div", { class: "card", testid: "cash-balance" }, h("div", { class: "muted", text: t("cash.balance") }), h("div", { class: "big", text: money(balance.balance) }))),
    h("div", {}, acts),
    h("h2", { text: t("cash.movements") }),
    table([[t("cash.col.kind")], [t("cash.col.from")], [t("cash.col.to")], [t("col.amountCny"), "num"], [t("col.bill")], [t("col.block"), "num"], [t("col.time")]],
      [...moves].reverse().map((m) => [name(m.kind), m.from || t("cash.minted"), m.to,
        (m.to === me.id ? "+" : "−") + money(m.amount), m.bill_id ? h("a", { href: `#/bills/${m.bill_id}`, text: String(m.bill_id) }) : "", m.block_number, shanghaiTime(m.timestamp)]),
      { testid: "movements" }),
  );
}
