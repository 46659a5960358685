// One transaction, as a block explorer shows it, as much as the caller may see of it (the gateway decides):
// status, block, gas, the operations it ran (each with whom it ran for), and its events; the call as sent
// (calldata, signatures) to the operator and regulators.
import { api } from "./api.js";
import { t } from "./messages.js";
import { append, h, shanghaiTime, table } from "./ui.js";

/** @param {Record<string, unknown>} values a call's or an event's decoded arguments */
function args(values) {
  return h("dl", {}, Object.entries(values).flatMap(([k, v]) => [h("dt", { text: k }), h("dd", {}, h("code", { text: JSON.stringify(v) }))]));
}

/**
 * @param {HTMLElement} view
 * @param {Ctx} ctx
 * @param {string} hash the transaction's hash, from the route
 */
export async function transaction(view, ctx, hash) {
  /** @type {Api.Transaction} */
  const tx = await api("GET", `/v1/transactions/${hash}`);
  /** @type {Child[][]} */
  const rows = [
    [t("tx.hash"), h("code", { text: tx.hash })],
    [t("col.status"), tx.status === "SUCCESS" ? t("tx.success") : t("tx.reverted")],
    [t("col.block"), tx.block_number], [t("col.time"), shanghaiTime(tx.timestamp)],
    [t("tx.sentBy"), tx.sender
      ? `${tx.sender}${tx.sender_participant ? " (" + tx.sender_participant + ")" : t("tx.relayer")}`
      : t("tx.senderHidden")],
    [t("tx.gasUsed"), tx.gas_used],
  ];
  if (tx.call) rows.push([t("tx.call"), `${tx.call.contract}.${tx.call.method}`]);
  append(view,
    h("h1", { text: t("screen.transaction") }),
    table([[t("col.field")], [t("col.value")]], rows, { testid: "tx-summary" }),
    h("h2", { text: t("tx.operations") }),
    table([[t("tx.runFor")], [t("tx.operation")], [t("tx.arguments")]],
      tx.operations.map((o) => [o.signer_participant || o.signer, `${o.contract}.${o.method}`, args(o.args)]),
      { testid: "tx-operations", caption: t("tx.operations.caption") }),
    h("h2", { text: t("tx.events") }),
    table([[t("tx.contract")], [t("col.event")], [t("tx.arguments")]],
      tx.events.map((e) => [e.contract, e.event, args(e.args)]), { testid: "tx-events" }),
  );
}
