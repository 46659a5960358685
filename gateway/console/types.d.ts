// Declarations for type-checking the console (`tsc -p gateway/console`, in `make lint`); nothing here is
// served. The vendored ethers is the pinned npm package (tests/unit/test_console_assets.py holds them
// equal), so its types are that package's; the API's answers are the shapes of gateway/core/schemas.py the
// console reads (API.md names every field).

declare module "*/vendor/ethers.min.js" {
  export * from "ethers";
}

/** swagger-init.js: Swagger UI's bundle, loaded before it as a classic script. */
declare function SwaggerUIBundle(options: Record<string, unknown>): unknown;

interface Window {
  /** an injected wallet (EIP-1193), when the browser has one */
  ethereum?: import("ethers").Eip1193Provider;
  /** the Swagger UI that swagger-init.js makes */
  ui?: unknown;
}

/** What the console reads of the API's answers (gateway/core/schemas.py). */
declare namespace Api {
  type Role = "BANK" | "ENTERPRISE" | "REGULATOR" | "OPERATOR";

  /** GET /v1/me: a participant, or the operator (id "operator", no directory entry). */
  interface Me {
    id: string;
    role: Role;
    name?: string;
    status?: string;
    custody?: "hosted" | "self" | "elsewhere";
    persistently_overdue?: boolean;
    recovery?: Recovery | null;
  }

  interface Participant {
    id: string;
    name: string;
    role: Role;
    member_code: string;
    address: string;
    status: string;
    credit_code: string | null;
    custody: "hosted" | "self" | "elsewhere";
    /** its overdue events as an acceptor in the last 180 days of chain time */
    overdue_events_180d: number;
    /** three overdue events in 180 days: it accepts nothing, its bills are not discounted, pledged or guaranteed */
    persistently_overdue: boolean;
    /** a key recovery requested for it (OPERATOR), approved (REGULATOR) or not yet */
    recovery: Recovery | null;
  }

  interface Recovery {
    address: string;
    approved_by: string | null;
    effective_at: string | null;
  }

  interface RangeRef {
    start: number;
    end: number;
    label: string;
    amount: string;
  }

  interface BillRange extends RangeRef {
    holder: string;
    state: string;
    frozen: boolean;
    /** the court order it is frozen under (a judicial freeze), or null */
    order_hash: string | null;
    pledgee: string | null;
    pending_transfer: number | null;
    presented_at: string | null;
    late: boolean;
  }

  interface Bill {
    id: number;
    bill_no: string;
    kind: string;
    status: string;
    drawer: string;
    acceptor: string;
    payee: string;
    amount: string;
    issue_date: string;
    maturity_date: string;
    transferable: boolean;
    document_hash: string | null;
    frozen: boolean;
    /** the court order the whole bill is frozen under, or null */
    order_hash: string | null;
    /** the signed guarantees, in the order they were signed */
    guarantees: Guarantee[];
    ranges: BillRange[];
  }

  /** A signed guarantee: `range` is the label of the range guaranteed, null for the drawer's or acceptor's of the whole bill. */
  interface Guarantee {
    guarantor: string;
    for: string;
    range: string | null;
    transfer_id: number;
  }

  /** One event of a bill's history (GET /v1/bills/{id}/history). */
  interface HistoryEntry {
    seq: number;
    event: string;
    block_number: number;
    tx_hash: string;
    timestamp: string;
    actor: string | null;
    range: RangeRef | null;
    counterparty: string | null;
    amount: string | null;
    transfer_id: number | null;
  }

  interface Transfer {
    id: number;
    kind: string;
    bill_id: number;
    /** null for a drawer's or acceptor's guarantee of the whole bill */
    range: RangeRef | null;
    from: string;
    to: string;
    price: string | null;
    annual_rate: string | null;
    document_hash: string | null;
    /** an endorsement marked 不得转让 */
    restrictive: boolean;
    /** the court order a SEIZURE executes, else null */
    order_hash: string | null;
    status: string;
  }

  interface TokenEvent {
    at: string;
    by: string;
    kind: "ISSUED" | "ROTATED" | "REISSUED";
  }

  /** GET /v1/transactions/{hash}: as much of one transaction as the caller may see. */
  interface Transaction {
    hash: string;
    status: "SUCCESS" | "REVERTED";
    block_number: number;
    timestamp: string;
    sender: string | null;
    sender_participant: string | null;
    gas_used: number;
    call: { contract: string; method: string; args: Record<string, unknown> } | null;
    operations: { signer: string; signer_participant: string | null; contract: string; method: string; args: Record<string, unknown> }[];
    events: { contract: string; event: string; args: Record<string, unknown> }[];
  }

  /** The regulator's reports (GET /v1/reports/...). */
  interface Report<Row> {
    items: Row[];
  }

  /** A report of the chain's state on a date (Asia/Shanghai). */
  interface DatedReport<Row> extends Report<Row> {
    as_of: string;
  }

  interface ExposureRow {
    acceptor: string;
    bills: number;
    outstanding: string;
    overdue: string;
    dishonored: string;
    recourse_open: string;
  }

  interface ConcentrationRow {
    kind: "ACCEPTOR" | "HOLDER";
    rank: number;
    participant: string;
    amount: string;
    share: string;
  }

  interface DailyRow {
    date: string;
    issued_count: number;
    issued_amount: string;
    discounted_count: number;
    discounted_amount: string;
  }

  /** A write refused because its trade document was anchored already (double financing). */
  interface RefusalRow {
    at: string;
    caller: string;
    request: string;
    code: string;
    document_hash: string | null;
  }

  interface FrozenRow {
    kind: "PARTICIPANT" | "BILL" | "RANGE";
    participant: string | null;
    bill_id: number | null;
    range: string | null;
  }

  /** One overdue event of an acceptor (GET /v1/reports/overdue-acceptors), with its acceptor's standing. */
  interface OverdueRow {
    acceptor: string;
    events_180d: number;
    persistently_overdue: boolean;
    overdue_until: string | null;
    bill_id: number;
    day: string;
  }

  /** A bill or range frozen under a court order, and a seizure pending under it (GET /v1/reports/court-orders). */
  interface CourtOrderRow {
    order_hash: string;
    kind: "BILL" | "RANGE";
    bill_id: number;
    range: string | null;
    holder: string | null;
    frozen_by: string | null;
    seizure: number | null;
    beneficiary: string | null;
  }

  /** A self-custody participant's operation, prepared for its signature (POST .../prepare). */
  interface Prepared {
    operation: string;
    signer: string;
    summary: string;
    nonce: number;
    deadline: number;
    typed_data: {
      primaryType: string;
      domain: import("ethers").TypedDataDomain;
      types: Record<string, import("ethers").TypedDataField[]>;
      message: Record<string, unknown>;
    };
    submit: { method: "POST"; path: string; headers: Record<string, string> };
  }
}

/**
 * What static/ui.js's h(), append() and replace() take as children: a node, a value shown as text, or a
 * list of them; null, undefined and false are left out. (A JSDoc typedef cannot refer to itself.)
 */
type Child = Node | string | number | bigint | boolean | null | undefined | Child[];

/** What every screen is given: who is signed in, and a way to show the screen again. */
interface Ctx {
  me: Api.Me;
  /** Renders the screen again; an action passes its answer (a screen may go elsewhere with it). */
  refresh: (result?: any) => Promise<unknown>;
}
