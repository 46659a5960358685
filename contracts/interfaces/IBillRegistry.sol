// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BillRegistryErrors} from "./BillRegistryErrors.sol";
import {ParticipantRegistryErrors} from "./ParticipantRegistryErrors.sol";
import {DigitalCashErrors} from "./DigitalCashErrors.sol";

/// @title The bill registry: every bill, range and transfer of billchain and its lifecycle.
/// @dev Enumerations (0 is "none" everywhere):
///      kind 1 BANK_ACCEPTANCE, 2 COMMERCIAL_ACCEPTANCE, 3 SUPPLY_CHAIN;
///      bill status 1 ISSUED, 2 ACCEPTED, 3 CIRCULATING, 4 SETTLED, 5 REJECTED, 6 CANCELLED;
///      range state 1 HELD, 2 LOCKED, 3 PLEDGED, 4 PRESENTED, 5 PAID, 6 DISHONORED;
///      transfer kind 1 ENDORSE, 2 DISCOUNT, 3 PLEDGE, 4 RECOURSE;
///      transfer status 1 PENDING, 2 SIGNED, 3 REJECTED, 4 REVOKED.
///      Dates are day numbers: days since 1970-01-01 in Asia/Shanghai (UTC+8).
///      Ranges are named by their first sub-bill number (`start`).
interface IBillRegistry is BillRegistryErrors, ParticipantRegistryErrors, DigitalCashErrors {
    struct BillView {
        uint8 kind;
        uint8 status;
        bool transferable;
        bool frozen;
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
        bool late;
        address pledgee;
        uint256 presentedAt;
    }

    struct TransferView {
        uint256 billId;
        uint256 start;
        uint256 end;
        uint8 kind;
        uint8 status;
        uint8 priorState;
        address to;
        uint256 price;
        bytes32 documentHash;
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
        bytes32 documentHash
    );
    event TransferSigned(uint256 indexed transferId, uint256 indexed billId, address indexed by);
    event TransferRejected(uint256 indexed transferId, uint256 indexed billId, address indexed by);
    event TransferRevoked(uint256 indexed transferId, uint256 indexed billId, address indexed by);
    event PledgeReleased(uint256 indexed billId, uint256 start, address indexed pledgee);
    event RangePresented(uint256 indexed billId, uint256 start, uint256 end, address indexed presenter, bool late);
    event RangePaid(uint256 indexed billId, uint256 start, uint256 end, address indexed payer, address indexed payee);
    event RangeDishonored(uint256 indexed billId, uint256 start, uint256 end, address indexed acceptor, string reason);
    event FreezeChanged(uint256 indexed billId, uint256 start, bool frozen, address indexed by);
    event DocumentAnchored(bytes32 indexed documentHash, uint256 indexed billId, uint256 transferId);
    event DocumentReleased(bytes32 indexed documentHash, uint256 indexed billId, uint256 transferId);

    /// @notice Draws a bill; the caller is the drawer. Accepted at once when drawer = acceptor.
    function issue(
        uint8 kind,
        address acceptor,
        address payee,
        uint256 amount,
        uint256 maturityDay,
        bool transferable,
        bytes32 documentHash
    ) external returns (uint256 billId);

    /// @notice The acceptor accepts an ISSUED bill.
    function accept(uint256 billId) external;

    /// @notice The acceptor rejects an ISSUED bill, or the payee an ACCEPTED one.
    function reject(uint256 billId) external;

    /// @notice The payee receives an ACCEPTED bill: one range 1..amount.
    function receiveBill(uint256 billId) external;

    /// @notice The drawer cancels an ISSUED or ACCEPTED bill.
    function cancel(uint256 billId) external;

    /// @notice The holder requests endorsement of `amount` fen from the range at `start` to `to`.
    function endorse(uint256 billId, uint256 start, uint256 amount, address to, bytes32 documentHash)
        external
        returns (uint256 transferId);

    /// @notice The holder requests a discount by `bank`; the price is fixed now, on chain.
    function discount(
        uint256 billId,
        uint256 start,
        uint256 amount,
        address bank,
        uint256 rateMicros,
        uint256 adjustDays,
        bytes32 documentHash
    ) external returns (uint256 transferId);

    /// @notice The holder requests a pledge to `bank`.
    function pledge(uint256 billId, uint256 start, uint256 amount, address bank) external returns (uint256 transferId);

    /// @notice The pledgee releases a PLEDGED range.
    function release(uint256 billId, uint256 start) external;

    /// @notice The holder, or the pledgee of a pledged range, presents it for payment.
    function present(uint256 billId, uint256 start) external;

    /// @notice Presents every range of the bill the caller may present.
    function presentAll(uint256 billId) external;

    /// @notice The acceptor pays a PRESENTED range to its pledgee, else its holder.
    function pay(uint256 billId, uint256 start) external;

    /// @notice The acceptor pays every PRESENTED range, all or nothing.
    function payAll(uint256 billId) external;

    /// @notice The acceptor refuses a PRESENTED range.
    function dishonor(uint256 billId, uint256 start, string calldata reason) external;

    /// @notice The acceptor refuses every PRESENTED range, all or nothing.
    function dishonorAll(uint256 billId, string calldata reason) external;

    /// @notice The holder of a dishonoured (or 3 days unanswered) range claims it from a liable party.
    function recourse(uint256 billId, uint256 start, address against) external returns (uint256 transferId);

    /// @notice The counterparty completes a pending transfer (with payment for DISCOUNT and RECOURSE).
    function sign(uint256 transferId) external;

    /// @notice The counterparty refuses a pending transfer.
    function rejectTransfer(uint256 transferId) external;

    /// @notice The initiator withdraws a pending transfer.
    function revoke(uint256 transferId) external;

    /// @notice A regulator freezes the whole bill (`start` = 0) or one range.
    function freeze(uint256 billId, uint256 start) external;

    /// @notice A regulator unfreezes the whole bill (`start` = 0) or one range.
    function unfreeze(uint256 billId, uint256 start) external;

    function billOf(uint256 billId) external view returns (BillView memory);
    function rangeOf(uint256 billId, uint256 start) external view returns (RangeView memory);
    function rangesOf(uint256 billId) external view returns (RangeView[] memory);
    function transferOf(uint256 transferId) external view returns (TransferView memory);
    /// @notice The range's endorsement chain, payee first.
    function endorsementChain(uint256 billId, uint256 start) external view returns (address[] memory);
    function billCount() external view returns (uint256);
    function transferCount() external view returns (uint256);
    function isDocumentAnchored(bytes32 documentHash) external view returns (bool);
    /// @notice Today's day number in Asia/Shanghai.
    function today() external view returns (uint256);
}
