// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @dev billchain's vocabulary, declared once. 0 is "none" in every enumeration; the ABI carries
///      them as uint8, and the gateway's Python enums are checked against these names by a test.

/// @dev A participant's role (the platform OPERATOR is an AccessControl role, not a member role).
enum Role {
    NONE,
    BANK,
    ENTERPRISE,
    REGULATOR
}

/// @dev PENDING: a REGULATOR admitted while another was ACTIVE, until an ACTIVE REGULATOR approves it; it can
///      do nothing meanwhile (DOMAIN.md, "Roles").
enum MemberStatus {
    NONE,
    ACTIVE,
    FROZEN,
    PENDING
}

enum BillKind {
    NONE,
    BANK_ACCEPTANCE,
    COMMERCIAL_ACCEPTANCE,
    SUPPLY_CHAIN
}

enum BillStatus {
    NONE,
    ISSUED,
    ACCEPTED,
    CIRCULATING,
    SETTLED,
    REJECTED,
    CANCELLED
}

enum RangeState {
    NONE,
    HELD,
    LOCKED,
    PLEDGED,
    PRESENTED,
    PAID,
    DISHONORED
}

enum TransferKind {
    NONE,
    ENDORSE,
    DISCOUNT,
    PLEDGE,
    RECOURSE,
    GUARANTEE,
    SEIZURE
}

enum TransferStatus {
    NONE,
    PENDING,
    SIGNED,
    REJECTED,
    REVOKED
}

/// @dev What a participant may do; `rolesFor` says which roles may ever do each (DOMAIN.md's roles).
enum Operation {
    ISSUE,
    ACCEPT,
    REJECT,
    RECEIVE,
    CANCEL,
    ENDORSE,
    DISCOUNT,
    PLEDGE,
    RELEASE,
    PRESENT,
    PAY,
    DISHONOR,
    RECOURSE,
    SIGN,
    REJECT_TRANSFER,
    REVOKE,
    FREEZE,
    UNFREEZE,
    MINT,
    TRANSFER_CASH,
    GUARANTEE,
    SEIZE
}

/// @dev How a bill or range is frozen: by a REGULATOR, or by a REGULATOR under a court's order (a judicial
///      freeze, which names the order and which a seizure may complete). Only a REGULATOR lifts either.
enum Freeze {
    NONE,
    FROZEN,
    UNDER_ORDER
}

/// @dev A set of roles: bit `r` stands for Role(r).
uint8 constant ROLES_BANK = uint8(1) << uint8(Role.BANK);
uint8 constant ROLES_ENTERPRISE = uint8(1) << uint8(Role.ENTERPRISE);
uint8 constant ROLES_REGULATOR = uint8(1) << uint8(Role.REGULATOR);
uint8 constant ROLES_HOLDER = ROLES_BANK | ROLES_ENTERPRISE;

/// @dev The role table, one byte (a set of roles) per Operation, lowest byte first: read with a shift,
///      so that the check on every call and the `rolesFor` view share one table.
uint256 constant ROLE_TABLE =
    uint256(ROLES_ENTERPRISE) // ISSUE
        | (uint256(ROLES_HOLDER) << 8) // ACCEPT
        | (uint256(ROLES_HOLDER) << 16) // REJECT
        | (uint256(ROLES_ENTERPRISE) << 24) // RECEIVE
        | (uint256(ROLES_ENTERPRISE) << 32) // CANCEL
        | (uint256(ROLES_ENTERPRISE) << 40) // ENDORSE
        | (uint256(ROLES_HOLDER) << 48) // DISCOUNT
        | (uint256(ROLES_ENTERPRISE) << 56) // PLEDGE
        | (uint256(ROLES_BANK) << 64) // RELEASE
        | (uint256(ROLES_HOLDER) << 72) // PRESENT
        | (uint256(ROLES_HOLDER) << 80) // PAY
        | (uint256(ROLES_HOLDER) << 88) // DISHONOR
        | (uint256(ROLES_HOLDER) << 96) // RECOURSE
        | (uint256(ROLES_HOLDER) << 104) // SIGN
        | (uint256(ROLES_HOLDER) << 112) // REJECT_TRANSFER
        | (uint256(ROLES_HOLDER | ROLES_REGULATOR) << 120) // REVOKE (a REGULATOR its seizure)
        | (uint256(ROLES_REGULATOR) << 128) // FREEZE
        | (uint256(ROLES_REGULATOR) << 136) // UNFREEZE
        | (uint256(ROLES_BANK) << 144) // MINT
        | (uint256(ROLES_HOLDER) << 152) // TRANSFER_CASH
        | (uint256(ROLES_HOLDER) << 160) // GUARANTEE (its request: drawer, acceptor or holder)
        | (uint256(ROLES_REGULATOR) << 168); // SEIZE

/// @dev The roles that may ever do `operation`.
function rolesFor(Operation operation) pure returns (uint8) {
    return uint8(ROLE_TABLE >> (uint256(uint8(operation)) * 8));
}

/// @dev A bill's amount is at most 1,000,000,000.00 yuan, in fen.
uint256 constant MAX_BILL_AMOUNT = 100_000_000_000;
/// @dev Maturity is at most 184 days after the issue date (the six-month limit).
uint256 constant MAX_TENOR_DAYS = 184;
/// @dev Discount adjust days (the extra days of a non-local acceptor): 0..3.
uint256 constant MAX_ADJUST_DAYS = 3;
/// @dev A dishonour reason is 1..800 bytes (200 characters of UTF-8).
uint256 constant MAX_REASON_BYTES = 800;
/// @dev A bill splits into at most this many ranges: whatever splits it (transfers signed or not), paying
///      or presenting all of them stays far inside a block (BENCHMARKS.md measures it at the bound).
uint256 constant MAX_RANGES_PER_BILL = 100;
/// @dev An acceptor with this many overdue events in the window is persistently overdue (DOMAIN.md).
uint256 constant OVERDUE_EVENTS = 3;
/// @dev The window of overdue events, in days of chain time.
uint256 constant OVERDUE_WINDOW_DAYS = 180;
/// @dev A presentment left unanswered this many days may be claimed in recourse (and is an overdue event).
uint256 constant UNANSWERED_DAYS = 3;
/// @dev A key recovery takes effect this long after a REGULATOR approved it (the participant's time to cancel).
uint256 constant RECOVERY_DELAY = 72 hours;
