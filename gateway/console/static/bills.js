// Bills: the filterable list, one bill (face, ranges bar, endorsement timeline, history, documents,
// actions), and the issue form.
import { action } from "./actions.js";
import { all, api } from "./api.js";
import { directory } from "./parties.js";
import { t } from "./messages.js";
import { append, fen, field, h, money, save, shanghaiTime, shortHash, table, yuan } from "./ui.js";
import { name } from "./words.js";

const PAGE = 20;

/** @typedef {(id: string | null | undefined) => string} Who a participant id named (parties.js) */
/** @typedef {import("./actions.js").Values} Values */

/** @param {Api.Bill} b */
function link(b) {
  return h("a", { href: `#/bills/${b.id}`, testid: `bill-link-${b.id}` }, b.bill_no);
}

/**
 * The list's filters, kept while the page is open.
 * @typedef {{status: string, kind: string, role: string, from: string, to: string, sort: string, page: number}} ListState
 */

/** @param {ListState} state */
function filters(state) {
  /**
   * @param {"status" | "kind" | "role" | "sort"} key
   * @param {Array<[string, string]>} pairs each option's value and label
   */
  const select = (key, pairs) =>
    h("select", { name: key, testid: `filter-${key}` }, pairs.map(([v, label]) => h("option", { value: v, selected: state[key] === v }, label)));
  /** @param {string[]} codes */
  const named = (codes) => codes.map((code) => /** @type {[string, string]} */ ([code, name(code)]));
  return [
    field(t("bills.filter.status"), select("status", [["", t("bills.filter.all")], ...named(["ISSUED", "ACCEPTED", "CIRCULATING", "SETTLED", "REJECTED", "CANCELLED"])])),
    field(t("bills.filter.kind"), select("kind", [["", t("bills.filter.all")], ...named(["BANK_ACCEPTANCE", "COMMERCIAL_ACCEPTANCE", "SUPPLY_CHAIN"])])),
    field(t("bills.filter.role"), select("role", [["", t("bills.filter.anyRole")], ["drawer", t("bill.drawer")], ["acceptor", t("bill.acceptor")], ["holder", t("bill.holder")]])),
    field(t("bills.filter.from"), h("input", { type: "date", name: "from", value: state.from || "", testid: "filter-from" })),
    field(t("bills.filter.to"), h("input", { type: "date", name: "to", value: state.to || "", testid: "filter-to" })),
    field(t("bills.filter.sort"), select("sort", [["id", t("bills.sort.id")], ["maturity", t("bills.sort.maturity")], ["amount", t("bills.sort.amount")]])),
  ];
}

/** @type {ListState} */
const listState = { status: "", kind: "", role: "", from: "", to: "", sort: "id", page: 0 };

/**
 * @param {HTMLElement} view
 * @param {Ctx} ctx
 */
export async function bills(view, ctx) {
  const st = listState;
  const query = new URLSearchParams();
  if (st.status) query.set("status", st.status);
  if (st.kind) query.set("kind", st.kind);
  if (st.role === "holder") query.set("holder", ctx.me.id);
  if (st.role === "acceptor") query.set("acceptor", ctx.me.id);
  if (st.to) query.set("matures_before", st.to);
  const [found, who] = await Promise.all([all(`/v1/bills?${query}`), directory()]);
  /** @type {Api.Bill[]} */
  let items = found;
  if (st.role === "drawer") items = items.filter((b) => b.drawer === ctx.me.id);
  if (st.from) items = items.filter((b) => b.maturity_date >= st.from);
  /** @type {Record<string, (b: Api.Bill) => number | string | bigint>} */
  const keys = { id: (b) => b.id, maturity: (b) => b.maturity_date, amount: (b) => fen(b.amount) };
  const key = keys[st.sort] || keys.id;
  items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id));
  const pages = Math.max(1, Math.ceil(items.length / PAGE));
  st.page = Math.min(st.page, pages - 1);
  const shown = items.slice(st.page * PAGE, st.page * PAGE + PAGE);

  const form = h("form", { class: "panel", testid: "bill-filters", "aria-label": t("bills.filters") }, filters(st),
    h("button", { type: "submit", text: t("bills.filter") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const k of /** @type {const} */ (["status", "kind", "role", "from", "to", "sort"])) {
      st[k] = /** @type {HTMLInputElement | HTMLSelectElement} */ (form.elements.namedItem(k)).value;
    }
    st.page = 0;
    ctx.refresh();
  });
  /** @param {number} delta */
  const move = (delta) => () => { st.page += delta; ctx.refresh(); };
  append(view,
    h("h1", { text: t("screen.bills") }),
    form,
    table(
      [[t("bill.billNo")], [t("bills.col.kind")], [t("col.status")], [t("bill.drawer")], [t("bill.acceptor")],
       [t("bill.payee")], [t("col.amountCny"), "num"], [t("bills.col.maturity")]],
      shown.map((b) => [link(b), name(b.kind), h("span", {}, name(b.status), b.frozen ? h("span", { class: "tag frozen", text: " " + name("FROZEN") }) : null),
        who(b.drawer), who(b.acceptor), who(b.payee), money(b.amount), b.maturity_date]),
      { testid: "bills-table" },
    ),
    h("div", { class: "pager" },
      h("button", { type: "button", class: "quiet", disabled: st.page === 0, onclick: move(-1), text: t("bills.previous") }),
      h("span", { text: t("bills.pageOf", { page: st.page + 1, pages, n: items.length }) }),
      h("button", { type: "button", class: "quiet", disabled: st.page >= pages - 1, onclick: move(1), text: t("bills.next") })),
  );
}

/**
 * @param {Api.Bill} b
 * @param {Who} who
 */
function rangeBar(b, who) {
  const total = Number(fen(b.amount));
  const bar = h("div", { class: "bar", role: "img", testid: "range-bar", "aria-label": t("bill.rangeBar") });
  for (const r of b.ranges) {
    const width = (Number(fen(r.amount)) / total) * 100;
    const seg = h("div", { class: `seg ${r.state}${r.frozen ? " frozen" : ""}`, title: `${r.label} ${who(r.holder)} ${name(r.state)}` },
      `${who(r.holder)} · ${money(r.amount)}`);
    seg.style.width = `${width}%`;  // CSSOM, allowed by the page's CSP (no inline style attribute)
    bar.append(seg);
  }
  return bar;
}

/**
 * Who moved what to whom: a signed transfer goes from its initiator (the entry's counterparty) to the signer.
 * @param {Api.HistoryEntry} e
 * @param {Who} who
 */
function parties(e, who) {
  const [from, to] = e.event === "TRANSFER_SIGNED" ? [e.counterparty, e.actor] : [e.actor, e.counterparty];
  return `${who(from)}${to ? " → " + who(to) : ""}`;
}

/**
 * An event in words; a transfer's with its kind (an endorsement, a guarantee, a seizure...) when the caller
 * sees the transfer.
 * @param {Api.HistoryEntry} e
 * @param {Map<number, Api.Transfer>} transfers the bill's transfers the caller sees, by id
 */
function eventName(e, transfers) {
  const tr = e.transfer_id === null ? undefined : transfers.get(e.transfer_id);
  return tr ? `${name(e.event)} · ${name(tr.kind)}` : name(e.event);
}

/**
 * One range's endorsement chain: the bill's issue, then every event on a range overlapping it.
 * @param {Api.HistoryEntry[]} history
 * @param {Api.BillRange} r
 * @param {Who} who
 * @param {Map<number, Api.Transfer>} transfers
 */
function timeline(history, r, who, transfers) {
  /** @param {Api.HistoryEntry} e */
  const overlaps = (e) => e.range && !(e.range.end < r.start || e.range.start > r.end);
  const entries = history.filter((e) => e.event === "ISSUED" || overlaps(e));
  return h("ol", { class: "timeline", testid: `timeline-${r.start}`, "aria-label": t("bill.endorsementChain") },
    entries.map((e) => h("li", {},
      h("strong", { text: eventName(e, transfers) }), " ",
      parties(e, who),
      e.amount ? ` · ${money(e.amount)}` : "",
      h("span", { class: "muted", text: ` · ${shanghaiTime(e.timestamp).slice(0, 10)} · ${t("bill.inBlock", { block: e.block_number })}` }))));
}

/**
 * @param {Api.BillRange[]} ranges
 * @returns {Array<[number, string]>}
 */
function rangeOptions(ranges) {
  return ranges.map((r) => [r.start, `${r.label} · ${money(r.amount)} · ${name(r.state)}`]);
}

/**
 * A document's SHA-256 as the gateway will name it once uploaded (0x-hex), computed in the page.
 * @param {File} file
 */
async function sha256(file) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
  return "0x" + [...digest].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * Uploads a document (a trade document, a court's order): its hash.
 * @param {File} file
 * @returns {Promise<string>}
 */
async function upload(file) {
  const uploaded = await api("POST", "/v1/documents", { body: await file.arrayBuffer(), raw: true, headers: { "Content-Type": file.type || "application/octet-stream" } });
  return uploaded.hash;
}

/**
 * The actions the caller's role and the bill's state make plausible (the contracts decide).
 * @param {Api.Bill} b
 * @param {Ctx} ctx
 * @param {Who} who
 * @param {Api.Transfer[]} related the bill's transfers the caller sees
 * @param {boolean} overdue whether the bill's acceptor is persistently overdue (no discount, pledge or guarantee)
 */
function billActions(b, ctx, who, related, overdue) {
  const me = ctx.me.id;
  const role = ctx.me.role;
  const base = `/v1/bills/${b.id}`;
  /** @type {HTMLElement[]} */
  const acts = [];
  /**
   * An action without a form.
   * @param {string} key
   * @param {string} label
   * @param {string} path
   * @param {string} words
   * @param {boolean} [danger]
   */
  const simple = (key, label, path, words, danger) => acts.push(action({
    key, label, danger, fields: [], path: `${base}/${path}`, body: () => ({}), consequence: () => words,
  }, ctx));
  if (b.status === "ISSUED" && b.acceptor === me) {
    simple("accept", t("bill.act.accept"), "accept", t("bill.act.accept.consequence", { billNo: b.bill_no, amount: money(b.amount) }));
    simple("reject", t("bill.act.refuseAcceptance"), "reject", t("bill.act.refuseAcceptance.consequence"), true);
  }
  if (b.status === "ACCEPTED" && b.payee === me) {
    simple("receive", t("bill.act.receive"), "receive", t("bill.act.receive.consequence", { amount: money(b.amount) }));
    simple("reject", t("bill.act.refuseReceipt"), "reject", t("bill.act.refuseReceipt.consequence"), true);
  }
  if (["ISSUED", "ACCEPTED"].includes(b.status) && b.drawer === me) {
    simple("cancel", t("bill.act.cancel"), "cancel", t("bill.act.cancel.consequence"), true);
  }
  const held = b.ranges.filter((r) => r.holder === me && r.state === "HELD" && !r.frozen);
  /** @type {import("./actions.js").FieldSpec} */
  const rangeField = { name: "range_start", label: t("bill.field.range"), type: "select", options: rangeOptions(held) };
  /** @type {import("./actions.js").FieldSpec} */
  const amountField = { name: "amount", label: t("bill.field.partAmount"), inputmode: "decimal" };
  /** @param {Values} v */
  const pick = (v) => held.find((r) => String(r.start) === v.range_start);
  /** @param {Values} v the amount asked, else the whole range's */
  const part = (v) => (v.amount ? v.amount : pick(v)?.amount);
  /**
   * @param {Values} v
   * @param {object} extra
   */
  const move = (v, extra) => ({ range_start: Number(v.range_start), ...(v.amount ? { amount: v.amount } : {}), ...extra });
  if (held.length && role !== "REGULATOR") {
    acts.push(action({
      key: "endorse", label: t("bill.act.endorse"),
      fields: [rangeField, amountField, { name: "to", label: t("bill.field.endorsee"), required: true },
        { name: "restrictive", label: t("bill.field.restrictive"), type: "checkbox", value: false }],
      path: `${base}/endorse`, body: (v) => move(v, { to: v.to, ...(v.restrictive ? { restrictive: true } : {}) }),
      consequence: (v) => t("bill.act.endorse.consequence", { amount: money(part(v)), start: v.range_start, to: who(v.to) })
        + (v.restrictive ? " " + t("bill.act.endorse.restrictive", { to: who(v.to) }) : ""),
    }, ctx));
  }
  // a persistently overdue acceptor's bills are not discounted, pledged or guaranteed (ACCEPTOR_OVERDUE)
  if (held.length && role !== "REGULATOR" && !overdue) {
    acts.push(action({
      key: "discount", label: t("bill.act.discount"),
      fields: [rangeField, amountField, { name: "bank", label: t("bill.field.discountBank"), required: true },
        { name: "annual_rate", label: t("bill.field.annualRate"), required: true, inputmode: "decimal" },
        { name: "adjust_days", label: t("bill.field.adjustDays"), value: "0", inputmode: "numeric" }],
      path: `${base}/discount`,
      body: (v) => move(v, { bank: v.bank, annual_rate: v.annual_rate, adjust_days: Number(v.adjust_days || 0) }),
      consequence: async (v) => {
        const q = await api("POST", `${base}/discount/quote`, { body: move(v, { bank: v.bank, annual_rate: v.annual_rate, adjust_days: Number(v.adjust_days || 0) }) });
        return t("bill.act.discount.quote", {
          amount: money(q.range.amount), rate: q.annual_rate, interest: money(q.interest), price: money(q.price), asOf: q.as_of, bank: who(v.bank),
        });
      },
    }, ctx));
    acts.push(action({
      key: "pledge", label: t("bill.act.pledge"),
      fields: [rangeField, amountField, { name: "bank", label: t("bill.field.pledgeBank"), required: true }],
      path: `${base}/pledge`, body: (v) => move(v, { bank: v.bank }),
      consequence: (v) => t("bill.act.pledge.consequence", { amount: money(part(v)), bank: who(v.bank) }),
    }, ctx));
  }
  // a guarantee: the drawer's or the acceptor's of the whole bill, a holder's of its range (DOMAIN.md, Guarantees)
  const asDrawer = b.drawer === me && ["ISSUED", "ACCEPTED", "CIRCULATING"].includes(b.status);
  const asAcceptor = b.acceptor === me && ["ACCEPTED", "CIRCULATING"].includes(b.status);
  if ((asDrawer || asAcceptor || held.length) && ["BANK", "ENTERPRISE"].includes(role) && !overdue) {
    const as = asAcceptor ? t("bill.acceptor") : t("bill.drawer");
    /** @type {Array<[string | number, string]>} */
    const options = [...(asDrawer || asAcceptor ? [/** @type {[string, string]} */ (["", t("bill.guarantee.wholeAs", { role: as })])] : []), ...rangeOptions(held)];
    acts.push(action({
      key: "guarantee", label: t("bill.act.guarantee"),
      fields: [{ name: "range_start", label: t("bill.field.guaranteed"), type: "select", options },
        { name: "amount", label: t("bill.field.partAmountOfRange"), inputmode: "decimal" },
        { name: "guarantor", label: t("bill.field.guarantor"), required: true }],
      path: `${base}/guarantee`,
      body: (v) => (v.range_start
        ? { guarantor: v.guarantor, range_start: Number(v.range_start), ...(v.amount ? { amount: v.amount } : {}) }
        : { guarantor: v.guarantor }),
      consequence: (v) => (v.range_start
        ? t("bill.act.guarantee.range", { guarantor: who(v.guarantor), amount: money(part(v)), start: v.range_start })
        : t("bill.act.guarantee.whole", { guarantor: who(v.guarantor), role: as, amount: money(b.amount) })),
    }, ctx));
  }
  const pledged = b.ranges.filter((r) => r.pledgee === me && r.state === "PLEDGED");
  if (pledged.length) {
    acts.push(action({
      key: "release", label: t("bill.act.release"),
      fields: [{ name: "range_start", label: t("bill.field.range"), type: "select", options: rangeOptions(pledged) }],
      path: `${base}/release`, body: (v) => ({ range_start: Number(v.range_start) }),
      consequence: () => t("bill.act.release.consequence"),
    }, ctx));
  }
  const presentable = b.ranges.filter((r) => (r.holder === me || r.pledgee === me) && ["HELD", "PLEDGED"].includes(r.state));
  if (presentable.length && b.status === "CIRCULATING") {
    acts.push(action({
      key: "present", label: t("bill.act.present"),
      fields: [{ name: "range_start", label: t("bill.field.range"), type: "select", options: [["", t("bill.field.allPresentable")], ...rangeOptions(presentable)] }],
      path: `${base}/present`, body: (v) => (v.range_start ? { range_start: Number(v.range_start) } : {}),
      consequence: () => t("bill.act.present.consequence", { acceptor: who(b.acceptor) }),
    }, ctx));
  }
  const presented = b.ranges.filter((r) => r.state === "PRESENTED");
  if (presented.length && b.acceptor === me) {
    /** @type {import("./actions.js").FieldSpec} */
    const rf = { name: "range_start", label: t("bill.field.range"), type: "select", options: [["", t("bill.field.allPresented")], ...rangeOptions(presented)] };
    acts.push(action({
      key: "pay", label: t("bill.act.pay"), fields: [rf], path: `${base}/pay`,
      body: (v) => (v.range_start ? { range_start: Number(v.range_start) } : {}),
      consequence: (v) => {
        const sum = (v.range_start ? presented.filter((r) => String(r.start) === v.range_start) : presented).reduce((s, r) => s + fen(r.amount), 0n);
        return t("bill.act.pay.consequence", { amount: money(yuan(sum)) });
      },
    }, ctx));
    acts.push(action({
      key: "dishonor", label: t("bill.act.dishonour"), danger: true,
      fields: [rf, { name: "reason", label: t("bill.field.reason"), required: true }], path: `${base}/dishonor`,
      body: (v) => ({ reason: v.reason, ...(v.range_start ? { range_start: Number(v.range_start) } : {}) }),
      consequence: (v) => t("bill.act.dishonour.consequence", { reason: v.reason }),
    }, ctx));
  }
  const claimable = b.ranges.filter((r) => (r.holder === me && !r.pledgee) || r.pledgee === me).filter((r) => ["DISHONORED", "PRESENTED"].includes(r.state));
  if (claimable.length) {
    acts.push(action({
      key: "recourse", label: t("bill.act.recourse"),
      fields: [{ name: "range_start", label: t("bill.field.range"), type: "select", options: rangeOptions(claimable) },
        { name: "against", label: t("bill.field.against"), required: true }],
      path: `${base}/recourse`, body: (v) => ({ range_start: Number(v.range_start), against: v.against }),
      consequence: (v) => t("bill.act.recourse.consequence", { against: who(v.against) }),
    }, ctx));
  }
  if (role === "REGULATOR") {
    /** @type {Array<[string | number, string]>} */
    const options = [["", t("bill.wholeBill")], ...rangeOptions(b.ranges)];
    /** @param {Values} v */
    const which = (v) => (v.range_start ? t("bill.freeze.range", { start: v.range_start }) : t("bill.wholeBill"));
    acts.push(action({
      key: "freeze", label: t("bill.act.freeze"), danger: true,
      fields: [{ name: "range_start", label: t("bill.field.whatToFreeze"), type: "select", options }],
      path: `${base}/freeze`, body: (v) => (v.range_start ? { range_start: Number(v.range_start) } : {}),
      consequence: (v) => t("bill.act.freeze.consequence", { what: which(v) }),
    }, ctx));
    acts.push(action({
      key: "unfreeze", label: t("bill.act.unfreeze"),
      fields: [{ name: "range_start", label: t("bill.field.whatToUnfreeze"), type: "select", options }],
      path: `${base}/unfreeze`, body: (v) => (v.range_start ? { range_start: Number(v.range_start) } : {}),
      consequence: (v) => t("bill.act.unfreeze.consequence", { what: which(v) }),
    }, ctx));
    // a court's order: the REGULATOR uploads it (or names one it uploaded) and freezes under it; then a seizure
    acts.push(action({
      key: "freeze-order", label: t("bill.act.freezeUnderOrder"), danger: true,
      fields: [{ name: "range_start", label: t("bill.field.whatToFreeze"), type: "select", options },
        { name: "order", label: t("bill.field.orderFile"), type: "file" },
        { name: "order_hash", label: t("bill.field.orderHash"), placeholder: "0x…" }],
      path: `${base}/freeze`,
      body: async (v) => ({ ...(v.range_start ? { range_start: Number(v.range_start) } : {}), order_hash: v.order ? await upload(v.order) : v.order_hash }),
      consequence: async (v) => {
        if (!v.order && !v.order_hash) throw new Error(t("bill.act.freezeUnderOrder.needsOrder"));
        const order = v.order ? await sha256(v.order) : v.order_hash;
        return t("bill.act.freezeUnderOrder.consequence", { what: which(v), order });
      },
    }, ctx));
    const seizable = b.ranges.filter((r) => r.state === "HELD" && (r.order_hash || b.order_hash));
    if (seizable.length) {
      const orders = [...new Set(seizable.map((r) => r.order_hash || b.order_hash))].filter((x) => typeof x === "string");
      acts.push(action({
        key: "seize", label: t("bill.act.seize"), danger: true,
        fields: [{ name: "range_start", label: t("bill.field.range"), type: "select", options: rangeOptions(seizable) },
          { name: "to", label: t("bill.field.beneficiary"), required: true },
          { name: "order_hash", label: t("bill.field.order"), type: "select", options: orders.map((o) => [o, `${o.slice(0, 10)}…${o.slice(-6)}`]) }],
        path: `${base}/seize`,
        body: (v) => ({ range_start: Number(v.range_start), to: v.to, order_hash: v.order_hash }),
        consequence: (v) => t("bill.act.seize.consequence", {
          amount: money(seizable.find((r) => String(r.start) === v.range_start)?.amount), start: v.range_start, to: who(v.to), order: v.order_hash,
        }),
      }, ctx));
    }
  }
  // a seizure takes a second party: another REGULATOR or the OPERATOR confirms or rejects it; its requester may revoke
  if (role === "REGULATOR" || role === "OPERATOR") {
    for (const s of related.filter((x) => x.kind === "SEIZURE" && x.status === "PENDING")) {
      const values = { id: s.id, by: who(s.from), range: s.range?.label ?? "", amount: money(s.range?.amount), to: who(s.to), order: s.order_hash ?? "" };
      if (s.from === me) {
        acts.push(action({ key: `seizure-revoke-${s.id}`, label: t("bill.act.seizureRevoke", { id: s.id }), danger: true, fields: [],
          path: `/v1/transfers/${s.id}/revoke`, body: () => ({}), consequence: () => t("bill.act.seizureRevoke.consequence", values) }, ctx));
        continue;
      }
      acts.push(action({ key: `seizure-sign-${s.id}`, label: t("bill.act.seizureConfirm", { id: s.id }), fields: [],
        path: `/v1/transfers/${s.id}/sign`, body: () => ({}), consequence: () => t("bill.act.seizureConfirm.consequence", values) }, ctx));
      acts.push(action({ key: `seizure-reject-${s.id}`, label: t("bill.act.seizureReject", { id: s.id }), danger: true, fields: [],
        path: `/v1/transfers/${s.id}/reject`, body: () => ({}), consequence: () => t("bill.act.seizureReject.consequence", values) }, ctx));
    }
  }
  return acts;
}

/** @param {string} hash a document's SHA-256, 0x-hex */
async function download(hash) {
  save(await api("GET", `/v1/documents/${hash}`, { blob: true }), hash.slice(2, 18));
}

/**
 * @param {HTMLElement} view
 * @param {Ctx} ctx
 * @param {string} id the bill's id, from the route
 */
export async function bill(view, ctx, id) {
  /** @type {[Api.Bill, Api.HistoryEntry[], Who]} */
  const [b, history, who] = await Promise.all([api("GET", `/v1/bills/${id}`), all(`/v1/bills/${id}/history`), directory()]);
  /** @type {[Api.Transfer[], Api.Participant | null]} */
  const [related, acceptor] = await Promise.all([
    all(`/v1/transfers?bill_id=${b.id}`).catch(() => []),
    api("GET", `/v1/participants/${encodeURIComponent(b.acceptor)}`).catch(() => null),
  ]);
  const overdue = Boolean(acceptor && acceptor.persistently_overdue);
  /** @type {Child[][]} */
  const face = [
    [t("bill.billNo"), b.bill_no], [t("bills.col.kind"), name(b.kind)], [t("col.status"), name(b.status) + (b.frozen ? ` · ${name("FROZEN")}` : "")],
    [t("bill.drawer"), who(b.drawer)],
    [t("bill.acceptor"), h("span", {}, who(b.acceptor), overdue ? h("span", { class: "tag frozen", text: t("participant.persistentlyOverdue") }) : null)],
    [t("bill.payee"), who(b.payee)],
    [t("col.amountCny"), money(b.amount)], [t("bill.issueDate"), b.issue_date], [t("bill.maturityDate"), b.maturity_date],
    [t("bill.transferable"), b.transferable ? t("bill.yes") : t("bill.no")],
  ];
  if (b.order_hash) face.push([t("bill.courtOrder"), h("code", { testid: "bill-order-hash", text: b.order_hash })]);
  // gas is on the transaction (GET /v1/transactions/{hash}): asked once per transaction, at most 60
  const hashes = [...new Set(history.map((e) => e.tx_hash))].slice(-60);
  const explained = await Promise.all(hashes.map((x) => api("GET", `/v1/transactions/${x}`).catch(() => null)));
  /** @type {Record<string, number>} */
  const gas = Object.fromEntries(explained.filter(Boolean).map((tx) => [tx.hash, tx.gas_used]));
  const orders = new Set([b.order_hash, ...b.ranges.map((r) => r.order_hash), ...related.map((tr) => tr.order_hash)].filter((x) => typeof x === "string"));
  const docs = [...new Set([b.document_hash, ...related.map((tr) => tr.document_hash), ...orders])].filter((x) => typeof x === "string");
  const docRows = docs.map((hash) => {
    const button = h("button", { type: "button", class: "quiet", testid: "download-document", text: t("bill.download") });
    button.addEventListener("click", () => download(hash).catch(() => {
      button.replaceWith(h("span", { class: "muted", text: t("bill.notYoursToDownload") }));
    }));
    return [orders.has(hash) ? t("bill.doc.courtOrder") : t("bill.doc.trade"), h("code", { text: hash }), button];
  });
  const transfers = new Map(related.map((tr) => [tr.id, tr]));
  /**
   * A range's freeze in words: a judicial one with its order, and a seizure pending under it.
   * @param {Api.BillRange} r
   */
  const frozen = (r) => {
    const seizure = r.pending_transfer === null ? undefined : transfers.get(r.pending_transfer);
    return h("span", {},
      r.frozen ? name("FROZEN") : "",
      r.frozen && r.order_hash ? [` · ${t("bill.underOrder")} `, shortHash(r.order_hash)] : null,
      seizure && seizure.kind === "SEIZURE" ? h("div", { class: "muted", text: t("bill.seizurePending", { id: seizure.id, to: who(seizure.to) }) }) : null);
  };
  const asked = related.filter((tr) => tr.kind === "GUARANTEE" && tr.status === "PENDING");
  append(view,
    h("h1", { testid: "bill-title" }, t("bill.title", { id: b.id, billNo: b.bill_no })),
    overdue ? h("p", { class: "problem", testid: "acceptor-overdue", text: t("bill.acceptorOverdue", { acceptor: who(b.acceptor) }) }) : null,
    table([[t("col.field")], [t("col.value")]], face, { testid: "bill-face" }),
    h("h2", { text: t("bill.ranges") }),
    b.ranges.length ? rangeBar(b, who) : h("p", { class: "muted", text: t("bill.noRangesYet") }),
    b.ranges.length ? table(
      [[t("col.range")], [t("col.amountCny"), "num"], [t("bill.holder")], [t("col.state")], [t("bill.pledgee")], [t("bill.frozen")]],
      b.ranges.map((r) => [r.label, money(r.amount), who(r.holder), name(r.state) + (r.late ? t("bill.late") : ""), who(r.pledgee), frozen(r)]),
      { testid: "ranges-table" }) : null,
    h("h2", { text: t("bill.guarantees") }),
    table([[t("bill.guarantor")], [t("bill.guaranteed")], [t("bill.guaranteeCovers")], [t("col.status")], [t("bill.guaranteeTransfer"), "num"]], [
      ...b.guarantees.map((g) => [who(g.guarantor), who(g.for), g.range ?? t("bill.wholeBill"), name("SIGNED"), g.transfer_id]),
      ...asked.map((tr) => [who(tr.to), who(tr.from), tr.range ? tr.range.label : t("bill.wholeBill"), name("PENDING"), tr.id]),
    ], { testid: "guarantees-table", caption: t("bill.guarantees.caption") }),
    h("h2", { text: t("bill.actions") }),
    h("div", { testid: "bill-actions" }, billActions(b, ctx, who, related, overdue)),
    b.ranges.length ? h("h2", { text: t("bill.endorsementChain") }) : null,
    ...b.ranges.map((r) => h("section", { "aria-label": r.label }, h("h3", { text: `${r.label} · ${who(r.holder)}` }), timeline(history, r, who, transfers))),
    h("h2", { text: t("bill.history") }),
    table(
      [[t("col.event")], [t("bill.history.by")], [t("bill.history.counterparty")], [t("col.range")], [t("bill.history.amount"), "num"], [t("col.block"), "num"],
        [t("bill.history.gas"), "num"], [t("col.transaction")], [t("col.time")]],
      history.map((e) => [eventName(e, transfers), who(e.actor), who(e.counterparty), e.range ? e.range.label : "", e.amount ? money(e.amount) : "", e.block_number,
        gas[e.tx_hash] ?? "", h("a", { href: `#/tx/${e.tx_hash}`, title: e.tx_hash }, h("code", { text: `${e.tx_hash.slice(0, 10)}…${e.tx_hash.slice(-6)}` })), shanghaiTime(e.timestamp)]),
      { testid: "history-table" }),
    h("h2", { text: t("bill.documents") }),
    table([[t("bill.documentKind")], [t("bill.documentHash")], [""]], docRows, { testid: "documents-table" }),
  );
}

/**
 * @param {HTMLElement} view
 * @param {Ctx} ctx
 */
export async function issue(view, ctx) {
  const who = await directory();
  const today = new Date().toISOString().slice(0, 10);
  append(view,
    h("h1", { text: t("screen.issue") }),
    h("p", { class: "muted", text: t("issue.documentNeeded") }),
    action({
      key: "issue", label: t("issue.fillIn"),
      fields: [
        { name: "kind", label: t("bills.filter.kind"), type: "select", options: ["SUPPLY_CHAIN", "COMMERCIAL_ACCEPTANCE", "BANK_ACCEPTANCE"].map((k) => [k, name(k)]) },
        { name: "acceptor", label: t("issue.field.acceptor"), required: true, value: ctx.me.id },
        { name: "payee", label: t("issue.field.payee"), required: true },
        { name: "amount", label: t("col.amountCny"), required: true, inputmode: "decimal" },
        { name: "maturity_date", label: t("issue.field.maturityDate"), type: "date", required: true, value: today },
        { name: "transferable", label: t("bill.transferable"), type: "checkbox" },
        { name: "document", label: t("issue.field.document"), type: "file" },
      ],
      path: "/v1/bills",
      consequence: (v) => t("issue.consequence", {
        kind: name(v.kind), acceptor: who(v.acceptor), payee: who(v.payee), amount: money(v.amount), maturity: v.maturity_date,
        acceptedByYou: v.acceptor === ctx.me.id ? t("issue.acceptedByYou") : "",
      }),
      body: async (v) => {
        /** @type {Record<string, unknown>} */
        const body = { kind: v.kind, acceptor: v.acceptor, payee: v.payee, amount: v.amount, maturity_date: v.maturity_date, transferable: v.transferable };
        if (v.document) body.document_hash = await upload(v.document);
        return body;
      },
    }, { ...ctx, refresh: async (result) => { location.hash = `#/bills/${result.bill.id}`; } }),
  );
}
