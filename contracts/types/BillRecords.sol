// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BillKind, BillStatus, Freeze, RangeState, TransferKind, TransferStatus} from "./BillTypes.sol";

// solhint counts an enum field as a whole slot ("beware of Enums inside Structs", its rule says): each record
// here is one slot, as solc lays it out (an enum takes one byte).
// solhint-disable gas-struct-packing

/// @dev The bill registry's storage records, one slot each: participants are referred to by their
///      uint32 member code, amounts (<= 1e11 fen) fit uint40, days (since 1970-01-01, Asia/Shanghai)
///      fit uint16 until the year 2149. Kinds, statuses and states are the enums of BillTypes.sol, one
///      byte each in the slot, as a uint8 would be; solc range-checks an enum read from storage where it is
///      compared or converted (Panic 0x21), a few dozen gas a use: 0.2-0.8 % of a bill operation.

/// @dev A bill (票据包).
struct Bill {
    uint32 drawer;
    uint32 acceptor;
    uint32 payee;
    uint40 amount;
    uint40 paidAmount;
    uint16 issueDay;
    uint16 maturityDay;
    BillKind kind;
    BillStatus status;
    bool transferable;
    Freeze freeze;
    /// @dev how many ranges the bill has (at most MAX_RANGES_PER_BILL): splits add one, merges take one
    uint8 rangeCount;
    /// @dev whether the bill gave its acceptor an overdue event already (one a bill, DOMAIN.md)
    bool overdueCounted;
}

/// @dev A range (子票区间) of sub-bill numbers `start..end`, kept under its `start`.
///      `chainHead`: the newest node of its endorsement chain (0: only the payee); `markedChain` goes with it.
struct Range {
    uint40 end;
    uint32 holder;
    RangeState state;
    Freeze freeze;
    bool late;
    uint32 chainHead;
    uint32 pledgee;
    uint32 presentedAt;
    /// @dev whether its endorsement chain holds more than plain transfers (a guarantor, a seizure, a restrictive
    ///      endorsement): recourse liability then reads the whole chain (EndorsementChain.liable), else one walk
    bool markedChain;
    /// @dev for a DISHONORED range: the parties its holder paid recourse for as their guarantor, as the bits of
    ///      EndorsementChain.PAID_FOR_DRAWER and after (it claims as they would, and from them)
    uint16 paidFor;
    /// @dev while a RECOURSE on the range is pending: what its payer would pay for, the same bits
    ///      (EndorsementChain.PAYS_AS_GUARANTOR set when it is liable as nothing but a guarantor)
    uint16 payerPaysFor;
}

/// @dev A transfer of a range, and, once an ENDORSE, DISCOUNT, SEIZURE or a holder's GUARANTEE is signed, a
///      node of the range's endorsement chain: `to` joined it after `parent` (a persistent linked list: a split
///      range shares its parent's chain without copying it; a GUARANTEE node binds `to` as the guarantor of the
///      holder before it, and holds no range). `restrictive`: an ENDORSE whose endorser wrote 不得转让.
///      A drawer's or acceptor's GUARANTEE names no range (`start` 0) and joins no chain.
struct Transfer {
    uint32 to;
    uint32 billId;
    uint40 start;
    uint40 end;
    uint40 price;
    uint32 parent;
    TransferKind kind;
    TransferStatus status;
    RangeState priorState;
    bool restrictive;
}

/// @dev An acceptor's last three overdue events, as day numbers, newest first (0: none).
struct OverdueRecord {
    uint16 latest;
    uint16 second;
    uint16 third;
}
