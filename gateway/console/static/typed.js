// What a self-custody participant signs, field by field in the page's language: the EIP-712 typed data the
// gateway prepared (docs/SIGNING.md) as it is, each value made readable (fen as an amount in CNY, an address
// with the participant that acts from it, a day number as a date, a deadline as a time), nothing left out.
// The gateway's summary says the same in English; this table is read from the typed data itself, so what is
// shown here is what the signature covers.
import { t } from "./messages.js";
import { h, money, shanghaiTime, table, yuan } from "./ui.js";
import { name } from "./words.js";

/** @typedef {import("./messages.js").TextKey} TextKey */

/** @type {Record<string, TextKey>} each field of the relay's types, in words */
const LABELS = {
  billId: "sign.field.billId",
  transferId: "sign.field.transferId",
  rangeStart: "sign.field.rangeStart",
  rangeEnd: "sign.field.rangeEnd",
  amount: "sign.field.amount",
  price: "sign.field.price",
  limit: "sign.field.limit",
  to: "sign.field.to",
  bank: "sign.field.bank",
  acceptor: "sign.field.acceptor",
  payee: "sign.field.payee",
  against: "sign.field.against",
  account: "sign.field.account",
  guarantor: "sign.field.guarantor",
  newAccount: "sign.field.newAccount",
  signer: "sign.field.signer",
  kind: "sign.field.kind",
  transferKind: "sign.field.transferKind",
  maturityDay: "sign.field.maturityDay",
  annualRateMicros: "sign.field.annualRate",
  adjustDays: "sign.field.adjustDays",
  transferable: "sign.field.transferable",
  documentHash: "sign.field.documentHash",
  orderHash: "sign.field.orderHash",
  restrictive: "sign.field.restrictive",
  reason: "sign.field.reason",
  nonce: "sign.field.nonce",
  deadline: "sign.field.deadline",
};

const ADDRESSES = new Set(["to", "bank", "acceptor", "payee", "against", "account", "guarantor", "newAccount", "signer"]);
/** the contracts' enums, value for value (chain/model.py) */
const BILL_KINDS = ["", "BANK_ACCEPTANCE", "COMMERCIAL_ACCEPTANCE", "SUPPLY_CHAIN"];
const TRANSFER_KINDS = ["", "ENDORSE", "DISCOUNT", "PLEDGE", "RECOURSE", "GUARANTEE", "SEIZURE"];
const ZERO_HASH = /^0x0{64}$/;

/**
 * One value of the typed message, readable.
 * @param {string} field
 * @param {unknown} value
 * @param {Record<string, unknown>} message the whole message (a range start of 0 makes an amount of 0 the whole bill's)
 * @param {(address: string) => string | null} book
 * @returns {Child}
 */
function readable(field, value, message, book) {
  const text = String(value);
  if (ADDRESSES.has(field)) {
    const who = book(text);
    return h("span", {}, who ? `${who} · ` : `${t("sign.value.unknownAccount")} · `, h("code", { text }));
  }
  if (["amount", "price", "limit"].includes(field)) {
    if (text === "0" && field === "amount" && String(message.rangeStart ?? "") === "0") return t("bill.wholeBill");
    return t("sign.value.cny", { amount: money(yuan(text)), fen: text });
  }
  if (field === "rangeStart" && text === "0") return t("bill.wholeBill");
  if (field === "kind") return name(BILL_KINDS[Number(value)] || text);
  if (field === "transferKind") return name(TRANSFER_KINDS[Number(value)] || text);
  if (field === "maturityDay") return new Date(Number(value) * 86400000).toISOString().slice(0, 10);
  if (field === "annualRateMicros") return t("sign.value.rate", { rate: Number(value) / 10000 });
  if (field === "deadline") return t("sign.value.deadline", { time: shanghaiTime(Number(value)) });
  if (field === "restrictive") return value ? t("sign.value.restrictive") : t("bill.no");
  if (field === "transferable") return value ? t("bill.yes") : t("bill.no");
  if (field === "documentHash" || field === "orderHash") return ZERO_HASH.test(text) ? t("sign.value.none") : h("code", { text });
  if (field === "reason") return `“${text}”`;
  return text;
}

/**
 * The typed data of a prepared operation as a table: the operation, each field of its message, the domain.
 * @param {Api.Prepared} prepared
 * @param {(address: string) => string | null} book names an account by its address (parties.js)
 */
export function typedTable(prepared, book) {
  const { domain, message, primaryType } = prepared.typed_data;
  /** @type {Child[][]} */
  const rows = [[t("sign.field.operation"), h("span", {}, name(primaryType), " ", h("code", { class: "muted", text: primaryType }))]];
  for (const [field, value] of Object.entries(message)) {
    rows.push([Object.hasOwn(LABELS, field) ? t(LABELS[field]) : field, readable(field, value, message, book)]);
  }
  rows.push([t("sign.field.domain"), h("span", {}, t("sign.value.domain", { chain: String(domain.chainId ?? "") }), " ",
    h("code", { text: String(domain.verifyingContract ?? "") }))]);
  return table([[t("col.field")], [t("col.value")]], rows, { testid: "typed-data", caption: t("sign.typed.caption") });
}
