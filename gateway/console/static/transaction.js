// One transaction, as a block explorer shows it: method and arguments decoded (and, relayed, the operation
// its signer signed), status, block, gas, events.
import { api } from "./api.js";
import { L, h, table } from "./ui.js";

function args(values) {
  return h("dl", {}, Object.entries(values).flatMap(([k, v]) => [h("dt", { text: k }), h("dd", {}, h("code", { text: JSON.stringify(v) }))]));
}

export async function transaction(view, ctx, hash) {
  const tx = await api("GET", `/v1/transactions/${hash}`);
  const rows = [
    [L("交易哈希", "Transaction hash"), h("code", { text: tx.hash })],
    [L("状态", "Status"), tx.status === "SUCCESS" ? L("成功", "Success") : L("已回滚", "Reverted")],
    [L("区块", "Block"), tx.block_number], [L("时间", "Time"), tx.timestamp],
    [L("发送账户", "Sent by"), `${tx.sender}${tx.sender_participant ? " (" + tx.sender_participant + ")" : L("（网关中继账户）", " (the gateway's relayer)")}`],
    [L("签名人", "Signed by"), tx.signer ? `${tx.signer} (${tx.signer_participant || "?"})` : L("发送账户本身", "the sender itself")],
    [L("燃料消耗（gas）", "Gas used"), tx.gas_used],
    [L("调用", "Call"), `${tx.call.contract}.${tx.call.method}`],
  ];
  if (tx.operation) rows.push([L("签名的操作", "Signed operation"), `${tx.operation.contract}.${tx.operation.method}`]);
  view.append(
    h("h1", { text: L("交易", "Transaction") }),
    table([[L("项目", "Field")], [L("内容", "Value")]], rows, { testid: "tx-summary" }),
    h("h2", { text: L("参数", "Arguments") }), args((tx.operation || tx.call).args),
    h("h2", { text: L("事件", "Events") }),
    table([[L("合约", "Contract")], [L("事件", "Event")], [L("参数", "Arguments")]],
      tx.events.map((e) => [e.contract, e.event, args(e.args)]), { testid: "tx-events" }),
  );
}
