// The operator: participants and onboarding, freezes, the chain's and the gateway's health.
import { action } from "./actions.js";
import { all, api } from "./api.js";
import { participantTable } from "./regulator.js";
import { t } from "./messages.js";
import { append, h, table } from "./ui.js";
import { name } from "./words.js";

/** @type {{id: string, api_token?: string | null} | null} the participant just onboarded, with its token: shown once, on the next render only */
let onboarded = null;

/**
 * @param {HTMLElement} view
 * @param {Ctx} ctx
 */
export async function operator(view, ctx) {
  const [parts, health, gateway] = await Promise.all([all("/v1/participants"), api("GET", "/v1/health"), api("GET", "/v1/admin/gateway")]);
  const shown = onboarded;
  onboarded = null;
  append(view,
    h("h1", { text: t("screen.operator") }),
    shown ? h("div", { class: "done", role: "alert", testid: "onboarded" },
      t("operator.onboarded", { id: shown.id }),
      h("code", { testid: "onboarded-token", text: shown.api_token || "" })) : null,
    h("h2", { text: t("operator.health") }),
    table([[t("operator.col.item")], [t("operator.col.value")]], [
      [t("col.status"), health.status + (health.reason ? ` (${health.reason})` : "")],
      [t("operator.chain"), `${health.chain.backend} · chain id ${health.chain.chain_id} · ${health.chain.date}`],
      [t("operator.head"), gateway.head], [t("operator.indexed"), gateway.indexed_block],
      [t("operator.indexLag"), gateway.index_lag],
      [t("operator.outbox"), `${gateway.outbox.PENDING} / ${gateway.outbox.DONE} / ${gateway.outbox.ABANDONED}`],
      .../** @type {Array<{name: string, address: string, nonce: number}>} */ (gateway.accounts).map((a) => [t("operator.account", { name: a.name }), `${a.address} · nonce ${a.nonce}`]),
    ], { testid: "health" }),
    h("h2", { text: t("operator.onboard") }),
    action({
      key: "onboard", label: t("operator.onboard.open"),
      fields: [
        { name: "id", label: t("operator.field.id"), required: true },
        { name: "name", label: t("participants.col.name"), required: true },
        { name: "role", label: t("participants.col.role"), type: "select", options: ["ENTERPRISE", "BANK", "REGULATOR"].map((r) => [r, name(r)]) },
        { name: "credit_code", label: t("operator.field.creditCode") },
        { name: "address", label: t("operator.field.address") },
      ],
      path: "/v1/participants",
      body: (v) => ({ id: v.id, name: v.name, role: v.role, ...(v.credit_code ? { credit_code: v.credit_code } : {}), ...(v.address ? { address: v.address } : {}) }),
      consequence: (v) => t(v.address ? "operator.onboard.selfCustody" : "operator.onboard.hosted", { id: v.id, role: name(v.role) }),
    }, { ...ctx, refresh: async (result) => { onboarded = result; await ctx.refresh(); } }),
    h("h2", { text: t("participants.title") }),
    participantTable(parts, ctx),
  );
}
