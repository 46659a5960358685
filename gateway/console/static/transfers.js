// Transfers: incoming and outgoing, pending first; sign, reject, revoke.
import { action } from "./actions.js";
import { all } from "./api.js";
import { t } from "./messages.js";
import { append, h, money, table } from "./ui.js";
import { name } from "./words.js";

/**
 * What signing, rejecting or revoking a transfer does, in words.
 * @param {Api.Transfer} tr
 * @param {"sign" | "reject" | "revoke"} verb
 */
function words(tr, verb) {
  const values = {
    amount: money(tr.range?.amount), price: money(tr.price), from: tr.from, to: tr.to, bill: tr.bill_id,
    range: tr.range ? tr.range.label : t("bill.wholeBill"), order: tr.order_hash ?? "",
  };
  if (verb === "sign") {
    if (tr.kind === "DISCOUNT") return t("transfers.sign.discount", values);
    if (tr.kind === "RECOURSE") return t("transfers.sign.recourse", values);
    if (tr.kind === "PLEDGE") return t("transfers.sign.pledge", values);
    if (tr.kind === "GUARANTEE") return tr.range ? t("transfers.sign.guaranteeRange", values) : t("transfers.sign.guaranteeWhole", values);
    if (tr.kind === "SEIZURE") return t("transfers.sign.seizure", values);
    return t("transfers.sign.endorse", values) + (tr.restrictive ? " " + t("transfers.sign.restrictive", values) : "");
  }
  if (verb === "reject") return tr.kind === "SEIZURE" ? t("transfers.reject.seizure", values) : t("transfers.reject.consequence");
  return t("transfers.revoke.consequence");
}

/**
 * A transfer's kind in words, an endorsement marked restrictive said so.
 * @param {Api.Transfer} tr
 */
function kind(tr) {
  return tr.restrictive ? h("span", {}, name(tr.kind), " ", h("span", { class: "tag", text: t("transfers.restrictive") })) : name(tr.kind);
}

/**
 * @param {HTMLElement} view
 * @param {Ctx} ctx
 */
export async function transfers(view, ctx) {
  const me = ctx.me;
  const everyone = me.role === "REGULATOR" || me.role === "OPERATOR";
  /** @type {[Api.Transfer[], Api.Transfer[]]} */
  const [incoming, outgoing] = everyone ? [await all("/v1/transfers"), []]
    : await Promise.all([all("/v1/transfers?direction=incoming"), all("/v1/transfers?direction=outgoing")]);
  /** @param {Api.Transfer[]} list */
  const order = (list) => [...list].sort((a, b) => (a.status === "PENDING") === (b.status === "PENDING") ? b.id - a.id : a.status === "PENDING" ? -1 : 1);
  /**
   * Each transfer's row; its other party is the initiator, except in the caller's outgoing ones.
   * @param {Api.Transfer[]} list
   * @param {"in" | "out" | "all"} side
   */
  const rows = (list, side) => order(list).map((tr) => [
    tr.id, kind(tr), h("a", { href: `#/bills/${tr.bill_id}`, text: String(tr.bill_id) }), tr.range ? tr.range.label : t("bill.wholeBill"),
    tr.range ? money(tr.range.amount) : "", tr.price ? money(tr.price) : "", side === "out" ? tr.to : tr.from, name(tr.status),
    tr.status !== "PENDING" ? "" : h("div", {}, answers(tr, side)),
  ]);
  /**
   * What the caller may answer to a pending transfer: its counterparty signs or rejects, its initiator revokes; a
   * seizure is signed or rejected by a second REGULATOR or the OPERATOR, never by its beneficiary.
   * @param {Api.Transfer} tr
   * @param {"in" | "out" | "all"} side
   */
  const answers = (tr, side) => {
    const seizure = tr.kind === "SEIZURE";
    if (side === "out" || (everyone && tr.from === me.id)) {
      return [action({ key: `revoke-${tr.id}`, label: t("transfers.revoke"), danger: true, fields: [], path: `/v1/transfers/${tr.id}/revoke`, body: () => ({}), consequence: () => words(tr, "revoke") }, ctx)];
    }
    if (seizure ? !everyone : everyone || side !== "in") {
      return seizure ? h("span", { class: "muted", text: t("transfers.seizureAwaits") }) : [];
    }
    return [
      action({ key: `sign-${tr.id}`, label: seizure ? t("transfers.confirmSeizure") : t("transfers.sign"), fields: [], path: `/v1/transfers/${tr.id}/sign`, body: () => ({}), consequence: () => words(tr, "sign") }, ctx),
      action({ key: `reject-${tr.id}`, label: t("transfers.reject"), danger: true, fields: [], path: `/v1/transfers/${tr.id}/reject`, body: () => ({}), consequence: () => words(tr, "reject") }, ctx),
    ];
  };
  /** @param {string} party the other party's column: from whom, or to whom */
  const headers = (party) => [["#"], [t("transfers.col.kind")], [t("col.bill")], [t("col.range")], [t("col.amountCny"), "num"],
    [t("transfers.col.price"), "num"], [party], [t("col.status")], [t("col.actions")]];
  append(view, h("h1", { text: t("screen.transfers") }));
  if (everyone) {
    append(view, table(headers(t("transfers.col.from")), rows(incoming, "all"), { testid: "transfers-all" }));
    return;
  }
  append(view,
    h("h2", { text: t("transfers.incoming") }), table(headers(t("transfers.col.from")), rows(incoming, "in"), { testid: "transfers-incoming" }),
    h("h2", { text: t("transfers.outgoing") }), table(headers(t("transfers.col.to")), rows(outgoing, "out"), { testid: "transfers-outgoing" }),
  );
}
