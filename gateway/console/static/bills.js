// Bills: the filterable list, one bill (face, ranges bar, endorsement timeline, history, documents,
// actions), and the issue form.
import { action } from "./actions.js";
import { all, api } from "./api.js";
import { directory } from "./parties.js";
import { L, append, fen, field, h, money, save, table, yuan } from "./ui.js";
import { name } from "./words.js";

const PAGE = 20;

function link(b) {
  return h("a", { href: `#/bills/${b.id}`, testid: `bill-link-${b.id}` }, b.bill_no);
}

function filters(state) {
  const select = (key, pairs) =>
    h("select", { name: key, testid: `filter-${key}` }, pairs.map(([v, t]) => h("option", { value: v, selected: state[key] === v }, t)));
  return [
    field(L("票据状态", "Bill status"), select("status", [["", L("全部", "All")], ...["ISSUED", "ACCEPTED", "CIRCULATING", "SETTLED", "REJECTED", "CANCELLED"].map((s) => [s, name(s)])])),
    field(L("票据种类", "Kind"), select("kind", [["", L("全部", "All")], ...["BANK_ACCEPTANCE", "COMMERCIAL_ACCEPTANCE", "SUPPLY_CHAIN"].map((s) => [s, name(s)])])),
    field(L("我的角色", "My role"), select("role", [["", L("全部", "Any")], ["drawer", L("出票人", "Drawer")], ["acceptor", L("承兑人", "Acceptor")], ["holder", L("持票人", "Holder")]])),
    field(L("到期日不早于", "Matures on or after"), h("input", { type: "date", name: "from", value: state.from || "", testid: "filter-from" })),
    field(L("到期日早于", "Matures before"), h("input", { type: "date", name: "to", value: state.to || "", testid: "filter-to" })),
    field(L("排序", "Sort by"), select("sort", [["id", L("编号", "Id")], ["maturity", L("到期日", "Maturity")], ["amount", L("金额", "Amount")]])),
  ];
}

const listState = { status: "", kind: "", role: "", from: "", to: "", sort: "id", page: 0 };

export async function bills(view, ctx) {
  const st = listState;
  const query = new URLSearchParams();
  if (st.status) query.set("status", st.status);
  if (st.kind) query.set("kind", st.kind);
  if (st.role === "holder") query.set("holder", ctx.me.id);
  if (st.role === "acceptor") query.set("acceptor", ctx.me.id);
  if (st.to) query.set("matures_before", st.to);
  const [found, who] = await Promise.all([all(`/v1/bills?${query}`), directory()]);
  let items = found;
  if (st.role === "drawer") items = items.filter((b) => b.drawer === ctx.me.id);
  if (st.from) items = items.filter((b) => b.maturity_date >= st.from);
  const key = { id: (b) => b.id, maturity: (b) => b.maturity_date, amount: (b) => fen(b.amount) }[st.sort];
  items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id));
  const pages = Math.max(1, Math.ceil(items.length / PAGE));
  st.page = Math.min(st.page, pages - 1);
  const shown = items.slice(st.page * PAGE, st.page * PAGE + PAGE);

  const form = h("form", { class: "panel", testid: "bill-filters", "aria-label": L("筛选", "Filters") }, filters(st),
    h("button", { type: "submit", text: L("筛选", "Filter") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const k of ["status", "kind", "role", "from", "to", "sort"]) st[k] = form.elements.namedItem(k).value;
    st.page = 0;
    ctx.refresh();
  });
  const move = (delta) => () => { st.page += delta; ctx.refresh(); };
  append(view,
    h("h1", { text: L("票据", "Bills") }),
    form,
    table(
      [[L("票据号", "Bill no.")], [L("种类", "Kind")], [L("状态", "Status")], [L("出票人", "Drawer")], [L("承兑人", "Acceptor")],
       [L("收款人", "Payee")], [L("金额（元）", "Amount (CNY)"), "num"], [L("到期日", "Maturity")]],
      shown.map((b) => [link(b), name(b.kind), h("span", {}, name(b.status), b.frozen ? h("span", { class: "tag frozen", text: " " + name("FROZEN") }) : null),
        who(b.drawer), who(b.acceptor), who(b.payee), money(b.amount), b.maturity_date]),
      { testid: "bills-table" },
    ),
    h("div", { class: "pager" },
      h("button", { type: "button", class: "quiet", disabled: st.page === 0, onclick: move(-1), text: L("上一页", "Previous") }),
      h("span", { text: `${st.page + 1} / ${pages} · ${items.length} ${L("张", "bills")}` }),
      h("button", { type: "button", class: "quiet", disabled: st.page >= pages - 1, onclick: move(1), text: L("下一页", "Next") })),
  );
}

function rangeBar(b, who) {
  const total = Number(fen(b.amount));
  const bar = h("div", { class: "bar", role: "img", testid: "range-bar",
    "aria-label": L("子票区间分布", "Sub-ranges of the bill") });
  for (const r of b.ranges) {
    const width = (Number(fen(r.amount)) / total) * 100;
    const seg = h("div", { class: `seg ${r.state}${r.frozen ? " frozen" : ""}`, title: `${r.label} ${who(r.holder)} ${name(r.state)}` },
      `${who(r.holder)} · ${money(r.amount)}`);
    seg.style.width = `${width}%`;  // CSSOM, allowed by the page's CSP (no inline style attribute)
    bar.append(seg);
  }
  return bar;
}

/** Who moved what to whom: a signed transfer goes from its initiator (the entry's counterparty) to the signer. */
function parties(e, who) {
  const [from, to] = e.event === "TRANSFER_SIGNED" ? [e.counterparty, e.actor] : [e.actor, e.counterparty];
  return `${who(from)}${to ? " → " + who(to) : ""}`;
}

function timeline(history, r, who) {
  const overlaps = (e) => e.range && !(e.range.end < r.start || e.range.start > r.end);
  const entries = history.filter((e) => e.event === "ISSUED" || overlaps(e));
  return h("ol", { class: "timeline", testid: `timeline-${r.start}`, "aria-label": L("背书链", "Endorsement chain") },
    entries.map((e) => h("li", {},
      h("strong", { text: name(e.event) }), " ",
      parties(e, who),
      e.amount ? ` · ${money(e.amount)}` : "",
      h("span", { class: "muted", text: ` · ${e.timestamp.slice(0, 10)} · ${L("区块", "block")} ${e.block_number}` }))));
}

function rangeOptions(ranges) {
  return ranges.map((r) => [r.start, `${r.label} · ${money(r.amount)} · ${name(r.state)}`]);
}

function billActions(b, ctx, who) {
  const me = ctx.me.id;
  const role = ctx.me.role;
  const base = `/v1/bills/${b.id}`;
  const acts = [];
  const simple = (key, label, path, words, danger) => acts.push(action({
    key, label, danger, fields: [], path: `${base}/${path}`, body: () => ({}), consequence: () => words,
  }, ctx));
  if (b.status === "ISSUED" && b.acceptor === me) {
    simple("accept", L("承兑", "Accept"), "accept", L(`您将承兑票据 ${b.bill_no}，到期无条件支付 ${money(b.amount)} 元。`, `You accept bill ${b.bill_no}: you will pay ${money(b.amount)} CNY at maturity.`));
    simple("reject", L("拒绝承兑", "Refuse"), "reject", L("票据将被拒绝，此后不可更改。", "The bill will be rejected, for good."), true);
  }
  if (b.status === "ACCEPTED" && b.payee === me) {
    simple("receive", L("签收", "Receive"), "receive", L(`您将签收票据，成为 ${money(b.amount)} 元全部子票区间的持票人。`, `You receive the bill and hold all of its ${money(b.amount)} CNY.`));
    simple("reject", L("拒收", "Refuse"), "reject", L("票据将被拒收，此后不可更改。", "The bill will be refused, for good."), true);
  }
  if (["ISSUED", "ACCEPTED"].includes(b.status) && b.drawer === me) {
    simple("cancel", L("撤销票据", "Cancel the bill"), "cancel", L("票据将被撤销，此后不可更改。", "The bill will be cancelled, for good."), true);
  }
  const held = b.ranges.filter((r) => r.holder === me && r.state === "HELD" && !r.frozen);
  if (held.length && role !== "REGULATOR") {
    const rangeField = { name: "range_start", label: L("子票区间", "Range"), type: "select", options: rangeOptions(held) };
    const amountField = { name: "amount", label: L("金额（元，空为整个区间）", "Amount (CNY, empty: the whole range)"), inputmode: "decimal" };
    const pick = (v) => held.find((r) => String(r.start) === v.range_start);
    const part = (v) => (v.amount ? v.amount : pick(v).amount);
    const move = (v, extra) => ({ range_start: Number(v.range_start), ...(v.amount ? { amount: v.amount } : {}), ...extra });
    acts.push(action({
      key: "endorse", label: L("背书转让", "Endorse"),
      fields: [rangeField, amountField, { name: "to", label: L("被背书人（参与者编号）", "To (participant id)"), required: true }],
      path: `${base}/endorse`, body: (v) => move(v, { to: v.to }),
      consequence: (v) => L(`您将把 ${money(part(v))} 元（区间起点 ${v.range_start}）背书给 ${who(v.to)}；对方签收后成为持票人，您进入背书链。`,
        `You endorse ${money(part(v))} CNY (range from ${v.range_start}) to ${who(v.to)}; once they sign they hold it and you join its endorsement chain.`),
    }, ctx));
    acts.push(action({
      key: "discount", label: L("贴现", "Discount"),
      fields: [rangeField, amountField, { name: "bank", label: L("贴现银行（参与者编号）", "Bank (participant id)"), required: true },
        { name: "annual_rate", label: L("年利率（如 0.0185）", "Annual rate (e.g. 0.0185)"), required: true, inputmode: "decimal" },
        { name: "adjust_days", label: L("调整天数（0–3）", "Adjust days (0-3)"), value: "0", inputmode: "numeric" }],
      path: `${base}/discount`,
      body: (v) => move(v, { bank: v.bank, annual_rate: v.annual_rate, adjust_days: Number(v.adjust_days || 0) }),
      consequence: async (v) => {
        const q = await api("POST", `${base}/discount/quote`, { body: move(v, { bank: v.bank, annual_rate: v.annual_rate, adjust_days: Number(v.adjust_days || 0) }) });
        return L(`链上报价：贴现 ${money(q.range.amount)} 元，年利率 ${q.annual_rate}，利息 ${money(q.interest)} 元，实付 ${money(q.price)} 元（按 ${q.as_of} 计算）。${who(v.bank)} 签收时付款并取得该区间（券款对付）。`,
          `On-chain quote: discount ${money(q.range.amount)} CNY at ${q.annual_rate} a year: interest ${money(q.interest)} CNY, ${who(v.bank)} pays ${money(q.price)} CNY (as of ${q.as_of}) when it signs, and takes the range (delivery versus payment).`);
      },
    }, ctx));
    acts.push(action({
      key: "pledge", label: L("质押", "Pledge"),
      fields: [rangeField, amountField, { name: "bank", label: L("质权银行（参与者编号）", "Bank (participant id)"), required: true }],
      path: `${base}/pledge`, body: (v) => move(v, { bank: v.bank }),
      consequence: (v) => L(`您将把 ${money(part(v))} 元质押给 ${who(v.bank)}；到期款项付给质权人。`, `You pledge ${money(part(v))} CNY to ${who(v.bank)}; what it pays at maturity goes to the pledgee.`),
    }, ctx));
  }
  const pledged = b.ranges.filter((r) => r.pledgee === me && r.state === "PLEDGED");
  if (pledged.length) {
    acts.push(action({
      key: "release", label: L("解除质押", "Release the pledge"),
      fields: [{ name: "range_start", label: L("子票区间", "Range"), type: "select", options: rangeOptions(pledged) }],
      path: `${base}/release`, body: (v) => ({ range_start: Number(v.range_start) }),
      consequence: () => L("该区间将解除质押，回到持票人手中。", "The range is released to its holder."),
    }, ctx));
  }
  const presentable = b.ranges.filter((r) => (r.holder === me || r.pledgee === me) && ["HELD", "PLEDGED"].includes(r.state));
  if (presentable.length && b.status === "CIRCULATING") {
    acts.push(action({
      key: "present", label: L("提示付款", "Present for payment"),
      fields: [{ name: "range_start", label: L("子票区间", "Range"), type: "select", options: [["", L("全部可提示的区间", "All I may present")], ...rangeOptions(presentable)] }],
      path: `${base}/present`, body: (v) => (v.range_start ? { range_start: Number(v.range_start) } : {}),
      consequence: () => L(`向承兑人 ${who(b.acceptor)} 提示付款；到期日起 10 天内为按期提示。`, `Present to the acceptor ${who(b.acceptor)} for payment; within 10 days of maturity it is timely.`),
    }, ctx));
  }
  const presented = b.ranges.filter((r) => r.state === "PRESENTED");
  if (presented.length && b.acceptor === me) {
    const rf = { name: "range_start", label: L("子票区间", "Range"), type: "select", options: [["", L("全部已提示的区间", "Every presented range")], ...rangeOptions(presented)] };
    acts.push(action({
      key: "pay", label: L("付款", "Pay"), fields: [rf], path: `${base}/pay`,
      body: (v) => (v.range_start ? { range_start: Number(v.range_start) } : {}),
      consequence: (v) => {
        const sum = (v.range_start ? presented.filter((r) => String(r.start) === v.range_start) : presented).reduce((s, r) => s + fen(r.amount), 0n);
        return L(`您将支付 ${money(yuan(sum))} 元给提示人（质押区间付给质权人）。`, `You pay ${money(yuan(sum))} CNY to the presenters (a pledged range pays its pledgee).`);
      },
    }, ctx));
    acts.push(action({
      key: "dishonor", label: L("拒付", "Dishonour"), danger: true,
      fields: [rf, { name: "reason", label: L("拒付理由", "Reason"), required: true }], path: `${base}/dishonor`,
      body: (v) => ({ reason: v.reason, ...(v.range_start ? { range_start: Number(v.range_start) } : {}) }),
      consequence: (v) => L(`您将拒付，理由：“${v.reason}”。持票人可向前手追索。`, `You refuse to pay, because: "${v.reason}". The holder may claim recourse.`),
    }, ctx));
  }
  const claimable = b.ranges.filter((r) => (r.holder === me && !r.pledgee) || r.pledgee === me).filter((r) => ["DISHONORED", "PRESENTED"].includes(r.state));
  if (claimable.length) {
    acts.push(action({
      key: "recourse", label: L("追索", "Claim recourse"),
      fields: [{ name: "range_start", label: L("子票区间", "Range"), type: "select", options: rangeOptions(claimable) },
        { name: "against", label: L("被追索人（参与者编号）", "Against (participant id)"), required: true }],
      path: `${base}/recourse`, body: (v) => ({ range_start: Number(v.range_start), against: v.against }),
      consequence: (v) => L(`您将向 ${who(v.against)} 追索该区间的全部金额；对方签收时付款。`, `You claim the range's full amount from ${who(v.against)}; they pay when they sign.`),
    }, ctx));
  }
  if (role === "REGULATOR") {
    const options = [["", L("整张票据", "The whole bill")], ...rangeOptions(b.ranges)];
    const which = (v) => (v.range_start ? L(`区间 ${v.range_start}`, `range ${v.range_start}`) : L("整张票据", "the whole bill"));
    acts.push(action({
      key: "freeze", label: L("冻结", "Freeze"), danger: true,
      fields: [{ name: "range_start", label: L("冻结对象", "What to freeze"), type: "select", options }],
      path: `${base}/freeze`, body: (v) => (v.range_start ? { range_start: Number(v.range_start) } : {}),
      consequence: (v) => L(`${which(v)}将被冻结：解冻前任何人都不能对其操作，只有监管机构可以解冻。`, `${which(v)} will be frozen: nothing happens to it until a regulator unfreezes it.`),
    }, ctx));
    acts.push(action({
      key: "unfreeze", label: L("解冻", "Unfreeze"),
      fields: [{ name: "range_start", label: L("解冻对象", "What to unfreeze"), type: "select", options }],
      path: `${base}/unfreeze`, body: (v) => (v.range_start ? { range_start: Number(v.range_start) } : {}),
      consequence: (v) => L(`${which(v)}将被解冻。`, `${which(v)} will be unfrozen.`),
    }, ctx));
  }
  return acts;
}

async function download(hash) {
  save(await api("GET", `/v1/documents/${hash}`, { blob: true }), hash.slice(2, 18));
}

export async function bill(view, ctx, id) {
  const [b, history, who] = await Promise.all([api("GET", `/v1/bills/${id}`), all(`/v1/bills/${id}/history`), directory()]);
  const face = [
    [L("票据号", "Bill no."), b.bill_no], [L("种类", "Kind"), name(b.kind)], [L("状态", "Status"), name(b.status) + (b.frozen ? ` · ${name("FROZEN")}` : "")],
    [L("出票人", "Drawer"), who(b.drawer)], [L("承兑人", "Acceptor"), who(b.acceptor)], [L("收款人", "Payee"), who(b.payee)],
    [L("金额（元）", "Amount (CNY)"), money(b.amount)], [L("出票日", "Issued"), b.issue_date], [L("到期日", "Matures"), b.maturity_date],
    [L("可转让", "Transferable"), b.transferable ? L("是", "yes") : L("否", "no")],
  ];
  const related = await all(`/v1/transfers?bill_id=${b.id}`).catch(() => []);
  // gas is on the transaction (GET /v1/transactions/{hash}): asked once per transaction, at most 60
  const hashes = [...new Set(history.map((e) => e.tx_hash))].slice(-60);
  const explained = await Promise.all(hashes.map((x) => api("GET", `/v1/transactions/${x}`).catch(() => null)));
  const gas = Object.fromEntries(explained.filter(Boolean).map((t) => [t.hash, t.gas_used]));
  const docs = [...new Set([b.document_hash, ...related.map((t) => t.document_hash)].filter(Boolean))];
  const docRows = docs.map((hash) => [h("code", { text: hash }), h("button", { type: "button", class: "quiet", testid: "download-document",
    onclick: (e) => download(hash).catch(() => { e.target.replaceWith(h("span", { class: "muted", text: L("无权下载", "not yours to download") })); }),
    text: L("下载", "Download") })]);
  append(view,
    h("h1", { testid: "bill-title" }, `${L("票据", "Bill")} ${b.id} · ${b.bill_no}`),
    table([[L("项目", "Field")], [L("内容", "Value")]], face, { testid: "bill-face" }),
    h("h2", { text: L("子票区间", "Ranges") }),
    b.ranges.length ? rangeBar(b, who) : h("p", { class: "muted", text: L("收款人签收后才有子票区间。", "Ranges appear once the payee receives.") }),
    b.ranges.length ? table(
      [[L("区间", "Range")], [L("金额（元）", "Amount (CNY)"), "num"], [L("持票人", "Holder")], [L("状态", "State")], [L("质权人", "Pledgee")], [L("冻结", "Frozen")]],
      b.ranges.map((r) => [r.label, money(r.amount), who(r.holder), name(r.state) + (r.late ? L("（逾期提示）", " (late)") : ""), who(r.pledgee), r.frozen ? name("FROZEN") : ""]),
      { testid: "ranges-table" }) : null,
    h("h2", { text: L("可执行的操作", "What you can do") }),
    h("div", { testid: "bill-actions" }, billActions(b, ctx, who)),
    b.ranges.length ? h("h2", { text: L("背书链", "Endorsement chain") }) : null,
    ...b.ranges.map((r) => h("section", { "aria-label": r.label }, h("h3", { text: `${r.label} · ${who(r.holder)}` }), timeline(history, r, who))),
    h("h2", { text: L("链上记录", "History on chain") }),
    table(
      [[L("事件", "Event")], [L("操作方", "By")], [L("对手方", "Counterparty")], [L("区间", "Range")], [L("金额（元）", "Amount"), "num"], [L("区块", "Block"), "num"], [L("燃料（gas）", "Gas"), "num"], [L("交易", "Transaction")], [L("时间", "Time")]],
      history.map((e) => [name(e.event), who(e.actor), who(e.counterparty), e.range ? e.range.label : "", e.amount ? money(e.amount) : "", e.block_number,
        gas[e.tx_hash] ?? "", h("a", { href: `#/tx/${e.tx_hash}`, title: e.tx_hash }, h("code", { text: `${e.tx_hash.slice(0, 10)}…${e.tx_hash.slice(-6)}` })), e.timestamp]),
      { testid: "history-table" }),
    h("h2", { text: L("贸易单据", "Documents") }),
    table([[L("单据哈希（SHA-256）", "Document hash (SHA-256)")], [""]], docRows, { testid: "documents-table" }),
  );
}

export async function issue(view, ctx) {
  const who = await directory();
  const today = new Date().toISOString().slice(0, 10);
  append(view,
    h("h1", { text: L("出票", "Issue a bill") }),
    h("p", { class: "muted", text: L("供应链票据须附贸易背景单据；单据先上传到网关（加密保存），链上只记录其哈希。",
      "A supply-chain bill needs its trade document: it is uploaded to the gateway (stored encrypted) and only its hash goes on chain.") }),
    action({
      key: "issue", label: L("填写出票信息", "Fill in the bill"),
      fields: [
        { name: "kind", label: L("票据种类", "Kind"), type: "select", options: ["SUPPLY_CHAIN", "COMMERCIAL_ACCEPTANCE", "BANK_ACCEPTANCE"].map((k) => [k, name(k)]) },
        { name: "acceptor", label: L("承兑人（参与者编号）", "Acceptor (participant id)"), required: true, value: ctx.me.id },
        { name: "payee", label: L("收款人（参与者编号）", "Payee (participant id)"), required: true },
        { name: "amount", label: L("金额（元）", "Amount (CNY)"), required: true, inputmode: "decimal" },
        { name: "maturity_date", label: L("到期日", "Maturity date"), type: "date", required: true, value: today },
        { name: "transferable", label: L("可转让", "Transferable"), type: "checkbox" },
        { name: "document", label: L("贸易单据文件", "Trade document file"), type: "file" },
      ],
      path: "/v1/bills",
      consequence: (v) => L(`您将出具一张${name(v.kind)}：承兑人 ${who(v.acceptor)}，收款人 ${who(v.payee)}，金额 ${money(v.amount)} 元，${v.maturity_date} 到期${v.acceptor === ctx.me.id ? "，并由您承兑" : ""}。`,
        `You draw a ${name(v.kind)}: acceptor ${who(v.acceptor)}, payee ${who(v.payee)}, ${money(v.amount)} CNY, maturing ${v.maturity_date}${v.acceptor === ctx.me.id ? ", accepted by you" : ""}.`),
      body: async (v) => {
        const body = { kind: v.kind, acceptor: v.acceptor, payee: v.payee, amount: v.amount, maturity_date: v.maturity_date, transferable: v.transferable };
        if (v.document) {
          const uploaded = await api("POST", "/v1/documents", { body: await v.document.arrayBuffer(), raw: true, headers: { "Content-Type": v.document.type || "application/octet-stream" } });
          body.document_hash = uploaded.hash;
        }
        return body;
      },
    }, { ...ctx, refresh: async (result) => { location.hash = `#/bills/${result.bill.id}`; } }),
  );
}
