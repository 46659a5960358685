// The regulator: the reports, participants (freeze, unfreeze, mint limits).
import { action } from "./actions.js";
import { all } from "./api.js";
import { L, append, h, table } from "./ui.js";
import { reportTables } from "./reports.js";
import { name } from "./words.js";

export function participantActions(p, ctx) {
  if (p.role === "OPERATOR") return [];
  const acts = [];
  if (p.status === "ACTIVE") {
    acts.push(action({ key: `freeze-${p.id}`, label: L("冻结", "Freeze"), danger: true, fields: [], path: `/v1/participants/${p.id}/freeze`, body: () => ({}),
      consequence: () => L(`${p.id} 将被冻结：不能操作、收款或转出现金。`, `${p.id} will be frozen: it cannot act, receive, or move its cash.`) }, ctx));
  } else {
    acts.push(action({ key: `unfreeze-${p.id}`, label: L("解冻", "Unfreeze"), fields: [], path: `/v1/participants/${p.id}/unfreeze`, body: () => ({}),
      consequence: () => L(`${p.id} 将被解冻。`, `${p.id} will be unfrozen.`) }, ctx));
  }
  if (ctx.me.role === "REGULATOR" && p.role === "BANK") {
    acts.push(action({ key: `limit-${p.id}`, label: L("设定发行额度", "Set mint limit"),
      fields: [{ name: "limit", label: L("发行额度（元）", "Mint limit (CNY)"), required: true, inputmode: "decimal" }],
      path: `/v1/participants/${p.id}/mint-limit`, body: (v) => ({ limit: v.limit }),
      consequence: (v) => L(`${p.id} 累计发行的数字现金不得超过 ${v.limit} 元。`, `${p.id} may mint at most ${v.limit} CNY in all.`) }, ctx));
  }
  return acts;
}

export function participantTable(parts, ctx) {
  return table([[L("编号", "Id")], [L("名称", "Name")], [L("角色", "Role")], [L("会员代码", "Member code")], [L("状态", "Status")], [L("密钥", "Key")], [L("操作", "Actions")]],
    parts.map((p) => [p.id, p.name, name(p.role), p.member_code, name(p.status), name(p.custody), h("div", {}, participantActions(p, ctx))]),
    { testid: "participants" });
}

export async function regulator(view, ctx) {
  const parts = await all("/v1/participants");
  append(view, h("h1", { text: L("监管", "Regulator") }), ...(await reportTables()),
    h("h2", { text: L("参与者", "Participants") }), participantTable(parts, ctx));
}
