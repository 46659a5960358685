// Transfers: incoming and outgoing, pending first; sign, reject, revoke.
import { action } from "./actions.js";
import { all } from "./api.js";
import { L, append, h, money, table } from "./ui.js";
import { name } from "./words.js";

function words(t, verb) {
  const amount = money(t.range.amount);
  if (verb === "sign") {
    if (t.kind === "DISCOUNT") return L(`签收即付款 ${money(t.price)} 元给 ${t.from}，并取得票据 ${t.bill_id} 的区间 ${t.range.label}（${amount} 元）。`, `Signing pays ${money(t.price)} CNY to ${t.from} and gives you range ${t.range.label} (${amount} CNY) of bill ${t.bill_id}.`);
    if (t.kind === "RECOURSE") return L(`签收即向 ${t.from} 支付追索金额 ${money(t.price)} 元。`, `Signing pays the recourse of ${money(t.price)} CNY to ${t.from}.`);
    if (t.kind === "PLEDGE") return L(`签收后您成为区间 ${t.range.label}（${amount} 元）的质权人。`, `Signing makes you the pledgee of range ${t.range.label} (${amount} CNY).`);
    return L(`签收后您持有票据 ${t.bill_id} 的区间 ${t.range.label}（${amount} 元）。`, `Signing makes you the holder of range ${t.range.label} (${amount} CNY) of bill ${t.bill_id}.`);
  }
  if (verb === "reject") return L("拒绝后区间回到转让前的状态。", "Rejecting puts the range back as it was.");
  return L("撤回后区间回到转让前的状态。", "Revoking puts the range back as it was.");
}

export async function transfers(view, ctx) {
  const me = ctx.me;
  const everyone = me.role === "REGULATOR" || me.role === "OPERATOR";
  const [incoming, outgoing] = everyone ? [await all("/v1/transfers"), []]
    : await Promise.all([all("/v1/transfers?direction=incoming"), all("/v1/transfers?direction=outgoing")]);
  const order = (list) => [...list].sort((a, b) => (a.status === "PENDING") === (b.status === "PENDING") ? b.id - a.id : a.status === "PENDING" ? -1 : 1);
  const rows = (list, side) => order(list).map((t) => [
    t.id, name(t.kind), h("a", { href: `#/bills/${t.bill_id}`, text: String(t.bill_id) }), t.range.label, money(t.range.amount),
    t.price ? money(t.price) : "", side === "in" ? t.from : t.to, name(t.status),
    t.status !== "PENDING" || everyone ? "" : h("div", {}, side === "in" ? [
      action({ key: `sign-${t.id}`, label: L("签收", "Sign"), fields: [], path: `/v1/transfers/${t.id}/sign`, body: () => ({}), consequence: () => words(t, "sign") }, ctx),
      action({ key: `reject-${t.id}`, label: L("拒绝", "Reject"), danger: true, fields: [], path: `/v1/transfers/${t.id}/reject`, body: () => ({}), consequence: () => words(t, "reject") }, ctx),
    ] : [action({ key: `revoke-${t.id}`, label: L("撤回", "Revoke"), danger: true, fields: [], path: `/v1/transfers/${t.id}/revoke`, body: () => ({}), consequence: () => words(t, "revoke") }, ctx)]),
  ]);
  const headers = (who) => [["#"], [L("类型", "Kind")], [L("票据", "Bill")], [L("区间", "Range")], [L("金额（元）", "Amount (CNY)"), "num"],
    [L("价格（元）", "Price (CNY)"), "num"], [who], [L("状态", "Status")], [L("操作", "Actions")]];
  append(view, h("h1", { text: L("转让", "Transfers") }));
  if (everyone) {
    append(view, table(headers(L("发起方", "From")), rows(incoming, "all"), { testid: "transfers-all" }));
    return;
  }
  append(view,
    h("h2", { text: L("收到的", "Incoming") }), table(headers(L("发起方", "From")), rows(incoming, "in"), { testid: "transfers-incoming" }),
    h("h2", { text: L("发出的", "Outgoing") }), table(headers(L("接收方", "To")), rows(outgoing, "out"), { testid: "transfers-outgoing" }),
  );
}
