// One transaction, as a block explorer shows it, as much as the caller may see of it (the gateway decides):
// status, block, gas, the operations it ran (each with whom it ran for), and its events; the call as sent
// (calldata, signatures) to the operator and regulators.
import { api } from "./api.js";
import { L, append, h, table } from "./ui.js";

function args(values) {
  return h("dl", {}, Object.entries(values).flatMap(([k, v]) => [h("dt", { text: k }), h("dd", {}, h("code", { text: JSON.stringify(v) }))]));
}

export async function transaction(view, ctx, hash) {
  const tx = await api("GET", `/v1/transactions/${hash}`);
  const rows = [
    [L("交易哈希", "Transaction hash"), h("code", { text: tx.hash })],
    [L("状态", "Status"), tx.status === "SUCCESS" ? L("成功", "Success") : L("已回滚", "Reverted")],
    [L("区块", "Block"), tx.block_number], [L("时间", "Time"), tx.timestamp],
    [L("发送账户", "Sent by"), tx.sender
      ? `${tx.sender}${tx.sender_participant ? " (" + tx.sender_participant + ")" : L("（网关中继账户）", " (a gateway's relayer)")}`
      : L("（不向您显示）", "(not shown to you)")],
    [L("燃料消耗（gas）", "Gas used"), tx.gas_used],
  ];
  if (tx.call) rows.push([L("调用", "Call"), `${tx.call.contract}.${tx.call.method}`]);
  append(view,
    h("h1", { text: L("交易", "Transaction") }),
    table([[L("项目", "Field")], [L("内容", "Value")]], rows, { testid: "tx-summary" }),
    h("h2", { text: L("操作", "Operations") }),
    table([[L("为谁执行", "Run for")], [L("操作", "Operation")], [L("参数", "Arguments")]],
      tx.operations.map((o) => [o.signer_participant || o.signer, `${o.contract}.${o.method}`, args(o.args)]),
      { testid: "tx-operations", caption: L("仅显示您有权查看的操作", "Only the operations you may see") }),
    h("h2", { text: L("事件", "Events") }),
    table([[L("合约", "Contract")], [L("事件", "Event")], [L("参数", "Arguments")]],
      tx.events.map((e) => [e.contract, e.event, args(e.args)]), { testid: "tx-events" }),
  );
}
