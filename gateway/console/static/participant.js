// One participant: who it is, its standing as an acceptor (persistently overdue: DOMAIN.md), a key recovery of
// it (the OPERATOR requests a new address, a REGULATOR approves, it takes effect 72 hours of chain time later
// unless the participant cancels it with its current key), and what a regulator or the operator may do to it.
import { action } from "./actions.js";
import { api } from "./api.js";
import { directory } from "./parties.js";
import { participantActions } from "./regulator.js";
import { t } from "./messages.js";
import { append, h, shanghaiTime, table } from "./ui.js";
import { name } from "./words.js";

/**
 * @param {Api.Participant} p
 * @param {(id: string | null | undefined) => string} who
 */
function standing(p, who) {
  if (p.persistently_overdue) {
    return h("p", { class: "problem", testid: "standing", text: t("participant.standing.overdue", { who: who(p.id), n: p.overdue_events_180d }) });
  }
  return h("p", { class: "muted", testid: "standing", text: t("participant.standing.good", { n: p.overdue_events_180d }) });
}

/**
 * The key recovery of `p`, if any, in words.
 * @param {Api.Participant} p
 * @param {Ctx} ctx
 * @param {(id: string | null | undefined) => string} who
 */
function recovery(p, ctx, who) {
  const r = p.recovery;
  if (!r) {
    const why = p.custody === "self" ? t("participant.recovery.none") : t("participant.recovery.hosted");
    return [h("p", { class: "muted", testid: "recovery", text: why })];
  }
  const when = r.effective_at ? shanghaiTime(r.effective_at) : "";
  return [
    ctx.me.id === p.id
      ? h("p", { class: "consequence", testid: "recovery-warning", text: r.effective_at ? t("participant.recovery.yoursApproved", { address: r.address, when }) : t("participant.recovery.yours", { address: r.address }) })
      : null,
    table([[t("col.field")], [t("col.value")]], [
      [t("participant.recovery.newAddress"), h("code", { text: r.address })],
      [t("col.status"), r.approved_by ? t("participant.recovery.approvedBy", { who: who(r.approved_by) }) : t("participant.recovery.awaitsApproval")],
      [t("participant.recovery.effectiveAt"), r.effective_at ? t("participant.recovery.at", { when }) : t("participant.recovery.afterApproval")],
    ], { testid: "recovery" }),
  ];
}

/**
 * What the caller may do about the key recovery of `p`: request (OPERATOR), approve (a REGULATOR other than
 * it), cancel (the participant itself, signing with its current key).
 * @param {Api.Participant} p
 * @param {Ctx} ctx
 */
function recoveryActions(p, ctx) {
  const own = `/v1/participants/${encodeURIComponent(p.id)}`;
  const r = p.recovery;
  const acts = [];
  if (ctx.me.role === "OPERATOR" && p.custody === "self" && !r) {
    acts.push(action({
      key: "recovery-request", label: t("participant.recovery.request"),
      fields: [{ name: "address", label: t("participant.recovery.field.address"), required: true, placeholder: "0x…" }],
      path: `${own}/recovery`, body: (v) => ({ address: v.address }),
      consequence: (v) => t("participant.recovery.request.consequence", { id: p.id, address: v.address }),
    }, ctx));
  }
  if (ctx.me.role === "REGULATOR" && r && !r.approved_by && ctx.me.id !== p.id) {
    acts.push(action({
      key: "recovery-approve", label: t("participant.recovery.approve"), danger: true, fields: [],
      path: `${own}/recovery/approve`, body: () => ({}),
      consequence: () => t("participant.recovery.approve.consequence", { id: p.id, address: r.address, old: p.address }),
    }, ctx));
  }
  if (ctx.me.id === p.id && r) {
    acts.push(action({
      key: "recovery-cancel", label: t("participant.recovery.cancel"), fields: [],
      path: `${own}/recovery/cancel`, body: () => ({}),
      consequence: () => t("participant.recovery.cancel.consequence", { address: r.address }),
    }, ctx));
  }
  return acts;
}

/**
 * @param {HTMLElement} view
 * @param {Ctx} ctx
 * @param {string} id the participant's id, from the route
 */
export async function participant(view, ctx, id) {
  /** @type {[Api.Participant, (id: string | null | undefined) => string]} */
  const [p, who] = await Promise.all([api("GET", `/v1/participants/${encodeURIComponent(id)}`), directory()]);
  const overseer = ctx.me.role === "REGULATOR" || ctx.me.role === "OPERATOR";
  const acts = [...recoveryActions(p, ctx), ...(overseer ? participantActions(p, ctx) : [])];
  append(view,
    h("h1", { testid: "participant-title", text: who(p.id) }),
    table([[t("col.field")], [t("col.value")]], [
      [t("participants.col.id"), p.id], [t("participants.col.name"), p.name], [t("participants.col.role"), name(p.role)],
      [t("participants.col.memberCode"), p.member_code], [t("participant.address"), h("code", { text: p.address })],
      [t("col.status"), name(p.status)], [t("participants.col.key"), name(p.custody)],
      [t("participant.creditCode"), p.credit_code ?? t("participant.noCreditCode")],
    ], { testid: "participant-face" }),
    h("h2", { text: t("participant.standing") }),
    standing(p, who),
    h("h2", { text: t("participant.recovery") }),
    ...recovery(p, ctx, who),
    acts.length ? h("h2", { text: t("bill.actions") }) : null,
    h("div", { testid: "participant-actions" }, acts),
  );
}
