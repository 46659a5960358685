// The regulator's report tables (GET /v1/reports/...), each downloadable as CSV: the CSV is fetched with
// the token in its header and saved from a blob, so no token ever sits in a link.
import { api } from "./api.js";
import { t } from "./messages.js";
import { directory } from "./parties.js";
import { h, money, save, shanghaiTime, shortHash, table } from "./ui.js";
import { name } from "./words.js";

/**
 * @param {string} path
 * @param {string} file
 */
async function saveCsv(path, file) {
  save(await api("GET", `${path}?format=csv`, { blob: true }), file);
}

/**
 * A report: its title, its CSV's download, its table.
 * @param {string} title
 * @param {string} path
 * @param {string} file the CSV's name, without .csv
 * @param {HTMLElement} built
 */
function section(title, path, file, built) {
  return h("section", { "aria-label": title },
    h("h2", { text: title }),
    h("button", { type: "button", class: "quiet", testid: `csv-${file}`, onclick: () => saveCsv(path, `${file}.csv`), text: t("reports.csv") }),
    built);
}

/** @param {number} id */
function billLink(id) {
  return h("a", { href: `#/bills/${id}`, text: String(id) });
}

/** @param {string} id */
function participantLink(id) {
  return h("a", { href: `#/participants/${encodeURIComponent(id)}`, text: id });
}

export async function reportTables() {
  /**
   * @type {[Api.DatedReport<Api.ExposureRow>, Api.DatedReport<Api.ConcentrationRow>, Api.Report<Api.DailyRow>, Api.Report<Api.RefusalRow>,
   *   Api.Report<Api.FrozenRow>, Api.DatedReport<Api.OverdueRow>, Api.Report<Api.CourtOrderRow>, (id: string | null | undefined) => string]}
   */
  const [exp, conc, daily, refused, frozen, overdue, orders, who] = await Promise.all([
    api("GET", "/v1/reports/exposures"), api("GET", "/v1/reports/concentration"), api("GET", "/v1/reports/daily"),
    api("GET", "/v1/reports/double-financing"), api("GET", "/v1/reports/frozen"), api("GET", "/v1/reports/overdue-acceptors"),
    api("GET", "/v1/reports/court-orders"), directory(),
  ]);
  return [
    h("p", { class: "muted", text: t("reports.asOf", { date: exp.as_of }) }),
    section(t("reports.exposures"), "/v1/reports/exposures", "exposures",
      table([[t("bill.acceptor")], [t("reports.col.bills"), "num"], [t("reports.col.outstanding"), "num"], [t("reports.col.overdue"), "num"],
        [t("reports.col.dishonoured"), "num"], [t("reports.col.recourseOpen"), "num"]],
      exp.items.map((r) => [r.acceptor, r.bills, money(r.outstanding), money(r.overdue), money(r.dishonored), money(r.recourse_open)]), { testid: "report-exposures" })),
    section(t("reports.concentration"), "/v1/reports/concentration", "concentration",
      table([[t("reports.col.kind")], [t("reports.col.rank"), "num"], [t("col.participant")], [t("reports.col.amount"), "num"], [t("reports.col.share"), "num"]],
        conc.items.map((r) => [name(r.kind), r.rank, r.participant, money(r.amount), r.share]), { testid: "report-concentration" })),
    section(t("reports.daily"), "/v1/reports/daily", "daily",
      table([[t("reports.col.date")], [t("reports.col.issued"), "num"], [t("reports.col.issuedAmount"), "num"], [t("reports.col.discounted"), "num"], [t("reports.col.discountedAmount"), "num"]],
        daily.items.map((r) => [r.date, r.issued_count, money(r.issued_amount), r.discounted_count, money(r.discounted_amount)]), { testid: "report-daily" })),
    section(t("reports.doubleFinancing"), "/v1/reports/double-financing", "double-financing",
      table([[t("col.time")], [t("reports.col.caller")], [t("reports.col.request")], [t("reports.col.document")]],
        refused.items.map((r) => [shanghaiTime(r.at), r.caller, r.request, h("code", { text: r.document_hash || "" })]), { testid: "report-double-financing" })),
    section(t("reports.frozen"), "/v1/reports/frozen", "frozen",
      table([[t("reports.col.kind")], [t("col.participant")], [t("col.bill")], [t("col.range")]],
        frozen.items.map((r) => [name(r.kind), r.participant || "", r.bill_id ?? "", r.range || ""]), { testid: "report-frozen" })),
    section(t("reports.overdueAcceptors"), "/v1/reports/overdue-acceptors", "overdue-acceptors",
      table([[t("bill.acceptor")], [t("reports.col.events180d"), "num"], [t("reports.col.standing")], [t("reports.col.overdueUntil")], [t("col.bill")], [t("reports.col.eventDay")]],
        overdue.items.map((r) => [participantLink(r.acceptor), r.events_180d,
          r.persistently_overdue ? h("span", { class: "tag frozen", text: t("participant.persistentlyOverdue") }) : t("reports.overdue.notPersistently"),
          r.overdue_until ?? "", billLink(r.bill_id), r.day]),
        { testid: "report-overdue-acceptors", caption: t("reports.overdueAcceptors.caption", { date: overdue.as_of }) })),
    section(t("reports.courtOrders"), "/v1/reports/court-orders", "court-orders",
      table([[t("reports.col.order")], [t("col.bill")], [t("reports.col.frozen")], [t("bill.holder")], [t("reports.col.frozenBy")],
        [t("reports.col.seizure")], [t("reports.col.beneficiary")]],
        orders.items.map((r) => [shortHash(r.order_hash), billLink(r.bill_id),
          r.range ?? t("bill.wholeBill"), who(r.holder), who(r.frozen_by), r.seizure === null ? "" : `#${r.seizure}`, who(r.beneficiary)]),
        { testid: "report-court-orders", caption: t("reports.courtOrders.caption") })),
  ];
}
