// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @dev The bill registry's storage records, one slot each: participants are referred to by their
///      uint32 member code, amounts (<= 1e11 fen) fit uint40, days (since 1970-01-01, Asia/Shanghai)
///      fit uint16 until the year 2149. Kinds, statuses and states are the enums of BillTypes.sol kept as their uint8
///      values (`uint8(RangeState.HELD)`): an enum field is range-checked on every copy and every
///      conversion, which costs every operation gas for nothing the contract does not already know.

/// @dev A bill (票据包).
struct Bill {
    uint32 drawer;
    uint32 acceptor;
    uint32 payee;
    uint40 amount;
    uint40 paidAmount;
    uint16 issueDay;
    uint16 maturityDay;
    uint8 kind; // BillKind
    uint8 status; // BillStatus
    bool transferable;
    bool frozen;
    /// @dev how many ranges the bill has (at most MAX_RANGES_PER_BILL): splits add one, merges take one
    uint16 rangeCount;
}

/// @dev A range (子票区间) of sub-bill numbers `start..end`, kept under its `start`.
///      `chainHead`: the newest node of its endorsement chain (0: only the payee).
struct Range {
    uint40 end;
    uint32 holder;
    uint8 state; // RangeState
    bool frozen;
    bool late;
    uint32 chainHead;
    uint32 pledgee;
    uint32 presentedAt;
}

/// @dev A transfer of a range, and, once an ENDORSE or DISCOUNT is signed, a node of the range's
///      endorsement chain: `to` joined it after `parent` (a persistent linked list: a split range
///      shares its parent's chain without copying it).
struct Transfer {
    uint32 to;
    uint32 billId;
    uint40 start;
    uint40 end;
    uint40 price;
    uint32 parent;
    uint8 kind; // TransferKind
    uint8 status; // TransferStatus
    uint8 priorState; // RangeState
}
