// Names of states, kinds, roles, events and problem codes in both languages (the codes of API.md). A
// participant's status PENDING (a regulator awaiting approval) shares the transfers' word.
import { L } from "./ui.js";

const NAMES = {
  ISSUED: ["已出票", "Issued"], ACCEPTED: ["已承兑", "Accepted"], CIRCULATING: ["流通中", "Circulating"],
  SETTLED: ["已结清", "Settled"], REJECTED: ["已拒绝", "Rejected"], CANCELLED: ["已撤销", "Cancelled"],
  HELD: ["持有", "Held"], LOCKED: ["待签收", "Locked"], PLEDGED: ["已质押", "Pledged"],
  PRESENTED: ["已提示付款", "Presented"], PAID: ["已付款", "Paid"], DISHONORED: ["已拒付", "Dishonoured"],
  BANK_ACCEPTANCE: ["银行承兑汇票", "Bank acceptance"], COMMERCIAL_ACCEPTANCE: ["商业承兑汇票", "Commercial acceptance"],
  SUPPLY_CHAIN: ["供应链票据", "Supply-chain bill"],
  ENDORSE: ["背书", "Endorse"], DISCOUNT: ["贴现", "Discount"], PLEDGE: ["质押", "Pledge"], RECOURSE: ["追索", "Recourse"],
  PENDING: ["待处理", "Pending"], SIGNED: ["已签收", "Signed"], REVOKED: ["已撤回", "Revoked"],
  BANK: ["银行", "Bank"], ENTERPRISE: ["企业", "Enterprise"], REGULATOR: ["监管机构", "Regulator"], OPERATOR: ["运营方", "Operator"],
  ACTIVE: ["正常", "Active"], FROZEN: ["已冻结", "Frozen"],
  MINT: ["发行", "Mint"], TRANSFER: ["转账", "Transfer"], PAY: ["到期付款", "Payment"],
  RECEIVED: ["签收票据", "Received"], TRANSFER_REQUESTED: ["发起转让", "Transfer requested"],
  TRANSFER_SIGNED: ["转让签收", "Transfer signed"], TRANSFER_REJECTED: ["转让被拒", "Transfer rejected"],
  TRANSFER_REVOKED: ["转让撤回", "Transfer revoked"], PLEDGE_RELEASED: ["解除质押", "Pledge released"],
  UNFROZEN: ["已解冻", "Unfrozen"], hosted: ["网关托管密钥", "key held by the gateway"], self: ["自持密钥", "own key"],
  elsewhere: ["其他网关", "another gateway"],
  // a participant's API tokens (GET /v1/participants/{id}/token-events); prefixed, as ISSUED names a bill's state
  TOKEN_ISSUED: ["已签发", "Issued"], TOKEN_ROTATED: ["本人更换", "Rotated by you"],
  TOKEN_REISSUED: ["运营方重新签发", "Reissued by the operator"],
};

export function name(code) {
  const pair = NAMES[code];
  return pair ? L(pair[0], pair[1]) : code ?? "";
}

const PROBLEMS = {
  UNAUTHENTICATED: "令牌无效或缺失", FORBIDDEN: "您的角色无权执行此操作", NOT_PARTY: "您不是该操作的当事方",
  NOT_FOUND: "未找到", VALIDATION_ERROR: "输入有误", INVALID_COUNTERPARTY: "交易对手不符合要求",
  INVALID_STATE: "当前状态不允许此操作", MATURED: "票据已到期", NOT_MATURE: "票据尚未到期",
  NOT_TRANSFERABLE: "票据不得转让", FROZEN: "已被监管冻结", PARTICIPANT_FROZEN: "参与者已被冻结",
  INSUFFICIENT_CASH: "现金余额不足", DOCUMENT_ALREADY_USED: "该贸易单据已被使用（重复融资被拦截）",
  INVALID_RECOURSE_TARGET: "追索对象不是责任方", MINT_LIMIT_EXCEEDED: "超过发行额度", RATE_LIMITED: "请求过于频繁",
  CHAIN_UNAVAILABLE: "区块链暂不可用", IDEMPOTENCY_KEY_REUSED: "幂等键被重复使用", BAD_SIGNATURE: "签名无效",
  NONCE_USED: "签名序号已被使用，请重新准备",
};

/** A problem answer in words: the reason in the page's language, then the stable code and the detail. */
export function problemText(problem) {
  const reason = L(PROBLEMS[problem.code] || problem.title || "请求失败", problem.title || problem.code);
  return `${reason} (${problem.code})${problem.detail ? ": " + problem.detail : ""}`;
}
