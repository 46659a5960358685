// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BillRegistryErrors} from "./BillRegistryErrors.sol";
import {ParticipantRegistryErrors} from "./ParticipantRegistryErrors.sol";
import {DigitalCashErrors} from "./DigitalCashErrors.sol";

/// @title What the bill registry answers and tells: its views' records, its events and its errors (both halves
///        of the registry, IBillRegistry and IBillRegistryExtension, share them).
/// @dev Kinds, statuses, states and roles are the enums of types/BillTypes.sol, carried as uint8
///      (0 is "none" everywhere). Dates are day numbers: days since 1970-01-01 in Asia/Shanghai
///      (UTC+8). Ranges are named by their first sub-bill number (`start`). Amounts are in fen.
interface BillRegistryEvents is BillRegistryErrors, ParticipantRegistryErrors, DigitalCashErrors {
    /// @dev `orderHash`: the court order a bill or range is frozen under (0 when none, or a plain freeze).
    // solhint-disable-next-line gas-struct-packing
    struct BillView {
        uint8 kind;
        uint8 status;
        bool transferable;
        bool frozen;
        bytes32 orderHash;
        address drawer;
        address acceptor;
        address payee;
        uint256 amount;
        uint256 paidAmount;
        uint256 issueDay;
        uint256 maturityDay;
        bytes32 documentHash;
    }

    struct RangeView {
        uint256 start;
        uint256 end;
        address holder;
        uint8 state;
        bool frozen;
        bytes32 orderHash;
        bool late;
        address pledgee;
        uint256 presentedAt;
    }

    /// @dev `start` and `end` are 0 for a drawer's or acceptor's GUARANTEE (it names no range); `from` is who
    ///      asked: the holder (the claimant for RECOURSE), the drawer or acceptor, or a SEIZURE's REGULATOR.
    // solhint-disable-next-line gas-struct-packing
    struct TransferView {
        uint256 billId;
        uint256 start;
        uint256 end;
        uint8 kind;
        uint8 status;
        uint8 priorState;
        address from;
        address to;
        uint256 price;
        bytes32 documentHash;
        bool restrictive;
        bytes32 orderHash;
    }

    event BillIssued(
        uint256 indexed billId,
        address indexed drawer,
        address indexed acceptor,
        address payee,
        uint8 kind,
        uint256 amount,
        uint256 issueDay,
        uint256 maturityDay,
        bool transferable,
        bytes32 documentHash
    );
    event BillAccepted(uint256 indexed billId, address indexed acceptor);
    event BillRejected(uint256 indexed billId, address indexed by);
    event BillReceived(uint256 indexed billId, address indexed payee, uint256 start, uint256 end);
    event BillCancelled(uint256 indexed billId, address indexed drawer);
    event BillSettled(uint256 indexed billId);
    event RangeSplit(uint256 indexed billId, uint256 start, uint256 splitAt, uint256 end);
    event RangesMerged(uint256 indexed billId, uint256 start, uint256 mergedStart, uint256 end);
    event TransferRequested(
        uint256 indexed transferId,
        uint256 indexed billId,
        uint8 kind,
        address indexed from,
        address to,
        uint256 start,
        uint256 end,
        uint256 price,
        uint256 rateMicros,
        uint256 adjustDays,
        bytes32 documentHash,
        bool restrictive
    );
    /// @dev The SEIZURE `transferId` executes the court order `orderHash`.
    event SeizureRequested(uint256 indexed transferId, bytes32 orderHash);
    event TransferSigned(uint256 indexed transferId, uint256 indexed billId, address indexed by);
    event TransferRejected(uint256 indexed transferId, uint256 indexed billId, address indexed by);
    event TransferRevoked(uint256 indexed transferId, uint256 indexed billId, address indexed by);
    event PledgeReleased(uint256 indexed billId, uint256 start, address indexed pledgee);
    event RangePresented(uint256 indexed billId, uint256 start, uint256 end, address indexed presenter, bool late);
    event RangePaid(uint256 indexed billId, uint256 start, uint256 end, address indexed payer, address indexed payee);
    event RangeDishonored(uint256 indexed billId, uint256 start, uint256 end, address indexed acceptor, string reason);
    event FreezeChanged(uint256 indexed billId, uint256 start, bool frozen, address indexed by);
    /// @dev A judicial freeze (after its FreezeChanged): the bill (`start` 0) or range is frozen under `orderHash`.
    event FrozenUnderOrder(uint256 indexed billId, uint256 start, bytes32 orderHash, address indexed by);
    /// @dev The acceptor's overdue event for the bill (a dishonour, or a presentment 3 days unanswered when
    ///      recourse is first claimed for it; one a bill): it is persistently overdue through `overdueUntil` (a day
    ///      number; 0 while it has fewer than three events).
    event AcceptorOverdue(address indexed acceptor, uint256 indexed billId, uint256 day, uint256 overdueUntil);
    event DocumentAnchored(bytes32 indexed documentHash, uint256 indexed billId, uint256 transferId);
    event DocumentReleased(bytes32 indexed documentHash, uint256 indexed billId, uint256 transferId);
}
