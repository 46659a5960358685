// The regulator: the reports, participants (freeze, unfreeze, mint limits).
import { action } from "./actions.js";
import { all } from "./api.js";
import { t } from "./messages.js";
import { append, h, table } from "./ui.js";
import { reportTables } from "./reports.js";
import { name } from "./words.js";

/**
 * What a regulator (or the operator) may do to a participant: freeze or unfreeze it; a bank's mint limit.
 * @param {Api.Participant} p
 * @param {Ctx} ctx
 */
export function participantActions(p, ctx) {
  if (p.role === "OPERATOR") return [];
  const acts = [];
  if (p.status === "ACTIVE") {
    acts.push(action({ key: `freeze-${p.id}`, label: t("participants.freeze"), danger: true, fields: [], path: `/v1/participants/${p.id}/freeze`, body: () => ({}),
      consequence: () => t("participants.freeze.consequence", { id: p.id }) }, ctx));
  } else {
    acts.push(action({ key: `unfreeze-${p.id}`, label: t("participants.unfreeze"), fields: [], path: `/v1/participants/${p.id}/unfreeze`, body: () => ({}),
      consequence: () => t("participants.unfreeze.consequence", { id: p.id }) }, ctx));
  }
  if (ctx.me.role === "REGULATOR" && p.role === "BANK") {
    acts.push(action({ key: `limit-${p.id}`, label: t("participants.mintLimit"),
      fields: [{ name: "limit", label: t("participants.mintLimit.field"), required: true, inputmode: "decimal" }],
      path: `/v1/participants/${p.id}/mint-limit`, body: (v) => ({ limit: v.limit }),
      consequence: (v) => t("participants.mintLimit.consequence", { id: p.id, limit: v.limit }) }, ctx));
  }
  return acts;
}

/**
 * @param {Api.Participant[]} parts
 * @param {Ctx} ctx
 */
export function participantTable(parts, ctx) {
  return table([[t("participants.col.id")], [t("participants.col.name")], [t("participants.col.role")], [t("participants.col.memberCode")], [t("col.status")],
    [t("participants.col.key")], [t("col.actions")]],
    parts.map((p) => [h("a", { href: `#/participants/${encodeURIComponent(p.id)}`, testid: `participant-link-${p.id}`, text: p.id }), p.name, name(p.role), p.member_code,
      h("span", {}, name(p.status),
        p.persistently_overdue ? h("span", { class: "tag frozen", text: t("participant.persistentlyOverdue") }) : null,
        p.recovery ? h("span", { class: "tag", text: t("participant.recoveryPending") }) : null),
      name(p.custody), h("div", {}, participantActions(p, ctx))]),
    { testid: "participants" });
}

/**
 * @param {HTMLElement} view
 * @param {Ctx} ctx
 */
export async function regulator(view, ctx) {
  const parts = await all("/v1/participants");
  append(view, h("h1", { text: t("screen.regulator") }), ...(await reportTables()),
    h("h2", { text: t("participants.title") }), participantTable(parts, ctx));
}
