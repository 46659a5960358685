// The regulator's report tables (GET /v1/reports/...), each downloadable as CSV: the CSV is fetched with
// the token in its header and saved from a blob, so no token ever sits in a link.
import { api } from "./api.js";
import { L, h, money, save, table } from "./ui.js";

const KINDS = { PARTICIPANT: ["参与者", "Participant"], BILL: ["票据", "Bill"], RANGE: ["子票区间", "Range"] };

async function saveCsv(path, file) {
  save(await api("GET", `${path}?format=csv`, { blob: true }), file);
}

function section(title, path, file, built) {
  return h("section", { "aria-label": title },
    h("h2", { text: title }),
    h("button", { type: "button", class: "quiet", testid: `csv-${file}`, onclick: () => saveCsv(path, `${file}.csv`), text: L("下载 CSV", "Download CSV") }),
    built);
}

export async function reportTables() {
  const [exp, conc, daily, refused, frozen] = await Promise.all([
    api("GET", "/v1/reports/exposures"), api("GET", "/v1/reports/concentration"), api("GET", "/v1/reports/daily"),
    api("GET", "/v1/reports/double-financing"), api("GET", "/v1/reports/frozen"),
  ]);
  return [
    h("p", { class: "muted", text: L(`数据截至链上日期 ${exp.as_of}。`, `As of the chain's date ${exp.as_of}.`) }),
    section(L("按承兑人的风险敞口", "Exposures by acceptor"), "/v1/reports/exposures", "exposures",
      table([[L("承兑人", "Acceptor")], [L("票据数", "Bills"), "num"], [L("未结清面额", "Outstanding"), "num"], [L("逾期", "Overdue"), "num"],
        [L("拒付", "Dishonoured"), "num"], [L("未决追索", "Recourse open"), "num"]],
      exp.items.map((r) => [r.acceptor, r.bills, money(r.outstanding), money(r.overdue), money(r.dishonored), money(r.recourse_open)]), { testid: "report-exposures" })),
    section(L("集中度", "Concentration"), "/v1/reports/concentration", "concentration",
      table([[L("类别", "Kind")], [L("排名", "Rank"), "num"], [L("参与者", "Participant")], [L("金额", "Amount"), "num"], [L("占比", "Share"), "num"]],
        conc.items.map((r) => [r.kind === "ACCEPTOR" ? L("承兑人", "Acceptor") : L("持票人", "Holder"), r.rank, r.participant, money(r.amount), r.share]), { testid: "report-concentration" })),
    section(L("每日出票与贴现", "Issued and discounted per day"), "/v1/reports/daily", "daily",
      table([[L("日期", "Date")], [L("出票笔数", "Issued"), "num"], [L("出票金额", "Issued amount"), "num"], [L("贴现笔数", "Discounted"), "num"], [L("贴现金额", "Discounted amount"), "num"]],
        daily.items.map((r) => [r.date, r.issued_count, money(r.issued_amount), r.discounted_count, money(r.discounted_amount)]), { testid: "report-daily" })),
    section(L("被拦截的重复融资", "Blocked double financing"), "/v1/reports/double-financing", "double-financing",
      table([[L("时间", "Time")], [L("请求方", "Caller")], [L("请求", "Request")], [L("单据哈希", "Document")]],
        refused.items.map((r) => [r.at, r.caller, r.request, h("code", { text: r.document_hash || "" })]), { testid: "report-double-financing" })),
    section(L("冻结事项", "Frozen"), "/v1/reports/frozen", "frozen",
      table([[L("类别", "Kind")], [L("参与者", "Participant")], [L("票据", "Bill")], [L("区间", "Range")]],
        frozen.items.map((r) => [KINDS[r.kind] ? L(...KINDS[r.kind]) : r.kind, r.participant || "", r.bill_id ?? "", r.range || ""]), { testid: "report-frozen" })),
  ];
}
