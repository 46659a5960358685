// The operator: participants and onboarding, freezes, the chain's and the gateway's health.
import { action } from "./actions.js";
import { all, api } from "./api.js";
import { participantTable } from "./regulator.js";
import { L, append, h, table } from "./ui.js";
import { name } from "./words.js";

let onboarded = null;  // the token of the participant just onboarded: shown once, on the next render only

export async function operator(view, ctx) {
  const [parts, health, gateway] = await Promise.all([all("/v1/participants"), api("GET", "/v1/health"), api("GET", "/v1/admin/gateway")]);
  const shown = onboarded;
  onboarded = null;
  append(view,
    h("h1", { text: L("运营", "Operator") }),
    shown ? h("div", { class: "done", role: "alert", testid: "onboarded" },
      L(`已开户 ${shown.id}。API 令牌只显示这一次，请安全地交给该参与者：`, `${shown.id} is onboarded. Its API token is shown this once; hand it over safely: `),
      h("code", { testid: "onboarded-token", text: shown.api_token || "" })) : null,
    h("h2", { text: L("链与网关状态", "Chain and gateway") }),
    table([[L("项目", "Item")], [L("值", "Value")]], [
      [L("状态", "Status"), health.status + (health.reason ? ` (${health.reason})` : "")],
      [L("链", "Chain"), `${health.chain.backend} · chain id ${health.chain.chain_id} · ${health.chain.date}`],
      [L("最新区块", "Head block"), gateway.head], [L("已索引区块", "Indexed block"), gateway.indexed_block],
      [L("索引延迟（区块）", "Index lag (blocks)"), gateway.index_lag],
      [L("发件箱（待确认/完成/放弃）", "Outbox (pending/done/abandoned)"), `${gateway.outbox.PENDING} / ${gateway.outbox.DONE} / ${gateway.outbox.ABANDONED}`],
      ...gateway.accounts.map((a) => [`${L("账户", "Account")} ${a.name}`, `${a.address} · nonce ${a.nonce}`]),
    ], { testid: "health" }),
    h("h2", { text: L("开户", "Onboard a participant") }),
    action({
      key: "onboard", label: L("新参与者", "New participant"),
      fields: [
        { name: "id", label: L("编号（小写字母、数字、连字符）", "Id (lower-case letters, digits, hyphens)"), required: true },
        { name: "name", label: L("名称", "Name"), required: true },
        { name: "role", label: L("角色", "Role"), type: "select", options: ["ENTERPRISE", "BANK", "REGULATOR"].map((r) => [r, name(r)]) },
        { name: "credit_code", label: L("统一社会信用代码（可选）", "Unified social credit code (optional)") },
        { name: "address", label: L("自持密钥地址（可选，0x…）", "Own key's address (optional, 0x…)") },
      ],
      path: "/v1/participants",
      body: (v) => ({ id: v.id, name: v.name, role: v.role, ...(v.credit_code ? { credit_code: v.credit_code } : {}), ...(v.address ? { address: v.address } : {}) }),
      consequence: (v) => L(`将在链上登记 ${v.id}（${name(v.role)}），${v.address ? "由其自持密钥签名" : "由本网关托管其密钥"}。`,
        `${v.id} (${name(v.role)}) will be registered on chain, ${v.address ? "signing with its own key" : "its key held by this gateway"}.`),
    }, { ...ctx, refresh: async (result) => { onboarded = result; await ctx.refresh(); } }),
    h("h2", { text: L("参与者", "Participants") }),
    participantTable(parts, ctx),
  );
}
