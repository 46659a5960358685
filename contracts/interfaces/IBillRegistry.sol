// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BillRegistryErrors} from "./BillRegistryErrors.sol";
import {ParticipantRegistryErrors} from "./ParticipantRegistryErrors.sol";
import {DigitalCashErrors} from "./DigitalCashErrors.sol";

/// @title The bill registry: every bill, range and transfer of billchain and its lifecycle.
/// @dev Kinds, statuses, states and roles are the enums of types/BillTypes.sol, carried as uint8
///      (0 is "none" everywhere). Dates are day numbers: days since 1970-01-01 in Asia/Shanghai
///      (UTC+8). Ranges are named by their first sub-bill number (`start`). Amounts are in fen.
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
    /// @param kind BillKind: BANK_ACCEPTANCE (the acceptor a BANK), COMMERCIAL_ACCEPTANCE (an ENTERPRISE),
    ///        SUPPLY_CHAIN (either; needs `documentHash`)
    /// @param acceptor who pays at maturity
    /// @param payee the ENTERPRISE the bill is drawn to
    /// @param amount the face value, 1..100,000,000,000 fen
    /// @param maturityDay after today and at most 184 days after it
    /// @param transferable whether ranges may be endorsed, discounted or pledged
    /// @param documentHash the SHA-256 of the trade background, or 0; anchored once on the platform
    /// @return billId the new bill's id
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
    /// @param billId the bill
    function accept(uint256 billId) external;

    /// @notice The acceptor rejects an ISSUED bill, or the payee an ACCEPTED one.
    /// @param billId the bill
    function reject(uint256 billId) external;

    /// @notice The payee receives an ACCEPTED bill: one range 1..amount, held by the payee.
    /// @param billId the bill
    function receiveBill(uint256 billId) external;

    /// @notice The drawer cancels an ISSUED or ACCEPTED bill.
    /// @param billId the bill
    function cancel(uint256 billId) external;

    /// @notice The holder requests endorsement of `amount` fen from the range at `start` to `to`.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    /// @param amount the part that moves (the range splits when it is smaller)
    /// @param to the ENTERPRISE or BANK endorsed to, who signs to complete it
    /// @param documentHash an invoice anchored with the request, or 0
    /// @return transferId the pending transfer
    function endorse(
        uint256 billId,
        uint256 start,
        uint256 amount,
        address to,
        bytes32 documentHash
    ) external returns (uint256 transferId);

    /// @notice The holder requests a discount by `bank`; the price is fixed now, on chain.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    /// @param amount the part discounted (the range splits when it is smaller)
    /// @param bank the BANK that pays the price when it signs
    /// @param rateMicros the annual rate in millionths, 0 <= rate < 1,000,000
    /// @param adjustDays extra days for a non-local acceptor, 0..3
    /// @param documentHash an invoice anchored with the request, or 0
    /// @return transferId the pending transfer, its price = amount - round(amount x rate x days / 360)
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
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    /// @param amount the part pledged (the range splits when it is smaller)
    /// @param bank the BANK that becomes pledgee when it signs
    /// @return transferId the pending transfer
    function pledge(uint256 billId, uint256 start, uint256 amount, address bank) external returns (uint256 transferId);

    /// @notice The pledgee releases a PLEDGED range.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    function release(uint256 billId, uint256 start) external;

    /// @notice The holder, or the pledgee of a pledged range, presents it for payment.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    function present(uint256 billId, uint256 start) external;

    /// @notice Presents every range of the bill the caller may present.
    /// @param billId the bill
    function presentAll(uint256 billId) external;

    /// @notice The acceptor pays a PRESENTED range to its pledgee, else its holder.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    function pay(uint256 billId, uint256 start) external;

    /// @notice The acceptor pays every PRESENTED range, all or nothing.
    /// @param billId the bill
    function payAll(uint256 billId) external;

    /// @notice The acceptor refuses a PRESENTED range.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    /// @param reason why, 1..800 bytes
    function dishonor(uint256 billId, uint256 start, string calldata reason) external;

    /// @notice The acceptor refuses every PRESENTED range, all or nothing.
    /// @param billId the bill
    /// @param reason why, 1..800 bytes
    function dishonorAll(uint256 billId, string calldata reason) external;

    /// @notice The holder of a dishonoured (or 3 days unanswered) range claims it from a liable party; while
    ///         the range is pledged, only its pledgee claims, and the money reaches the pledgee.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    /// @param against the drawer, the acceptor, or an earlier endorser (after a timely presentment)
    /// @return transferId the pending RECOURSE transfer, priced at the range's amount
    function recourse(uint256 billId, uint256 start, address against) external returns (uint256 transferId);

    /// @notice The counterparty completes a pending transfer (with payment for DISCOUNT and RECOURSE).
    /// @param transferId the transfer
    function sign(uint256 transferId) external;

    /// @notice The counterparty refuses a pending transfer; the range goes back to its state before.
    /// @param transferId the transfer
    function rejectTransfer(uint256 transferId) external;

    /// @notice The initiator withdraws a pending transfer; the range goes back to its state before.
    /// @param transferId the transfer
    function revoke(uint256 transferId) external;

    /// @notice A regulator freezes the whole bill (`start` = 0) or one range.
    /// @param billId the bill
    /// @param start the range's first sub-bill number, or 0 for the bill
    function freeze(uint256 billId, uint256 start) external;

    /// @notice A regulator unfreezes the whole bill (`start` = 0) or one range.
    /// @param billId the bill
    /// @param start the range's first sub-bill number, or 0 for the bill
    function unfreeze(uint256 billId, uint256 start) external;

    /// @notice A bill.
    /// @param billId the bill
    /// @return the bill's face data and status
    function billOf(uint256 billId) external view returns (BillView memory);

    /// @notice One range of a bill.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    /// @return the range
    function rangeOf(uint256 billId, uint256 start) external view returns (RangeView memory);

    /// @notice Every range of a bill, in order (none before the payee receives it).
    /// @param billId the bill
    /// @return the ranges
    function rangesOf(uint256 billId) external view returns (RangeView[] memory);

    /// @notice A transfer.
    /// @param transferId the transfer
    /// @return the transfer
    function transferOf(uint256 transferId) external view returns (TransferView memory);

    /// @notice A transfer's terms in one read (what a signature over SignTransfer, RejectTransfer and
    ///         RevokeTransfer covers: docs/SIGNING.md); TransferNotFound if there is none.
    /// @param transferId the transfer
    /// @return billId the bill
    /// @return start the first fen of its range
    /// @return end the last fen of its range
    /// @return price what the counterparty pays on signing, in fen (0 but for discount and recourse)
    /// @return kind its TransferKind
    function transferTerms(
        uint256 transferId
    ) external view returns (uint256 billId, uint256 start, uint256 end, uint256 price, uint8 kind);

    /// @notice The range's endorsement chain, payee first.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    /// @return the addresses of the chain, oldest first
    function endorsementChain(uint256 billId, uint256 start) external view returns (address[] memory);

    /// @notice The price a discount requested now would carry (the request computes it the same way):
    /// what the holder and the bank are quoted before either signs.
    /// @param billId the bill
    /// @param amount fen to discount
    /// @param rateMicros annual rate in millionths (below 1,000,000)
    /// @param adjustDays extra days for a non-local acceptor (0 to 3)
    /// @return price fen the bank pays
    function discountPrice(
        uint256 billId,
        uint256 amount,
        uint256 rateMicros,
        uint256 adjustDays
    ) external view returns (uint256 price);

    /// @notice How many bills were drawn.
    /// @return the last bill id
    function billCount() external view returns (uint256);

    /// @notice How many transfers were requested.
    /// @return the last transfer id
    function transferCount() external view returns (uint256);

    /// @notice Whether a document hash is anchored.
    /// @param documentHash the SHA-256 of the document
    /// @return true while anchored by a bill or a pending or signed transfer
    function isDocumentAnchored(bytes32 documentHash) external view returns (bool);

    /// @notice The digital cash this registry created and settles in.
    /// @return the DigitalCash contract
    function cash() external view returns (address);

    /// @notice Today's day number in Asia/Shanghai.
    /// @return days since 1970-01-01
    function today() external view returns (uint256);

    /// @notice The rules the checks use, for clients to apply early: the role table and the bounds.
    /// @return roleTable one byte per Operation (types/BillTypes.sol), lowest first: the set of roles that
    ///         may ever do it (bit r stands for Role(r))
    /// @return maxBillAmount in fen
    /// @return maxTenorDays maturity at most this many days after issue
    /// @return maxAdjustDays a discount's extra days at most
    /// @return maxReasonBytes a dishonour reason's length at most, in bytes
    /// @return maxRangesPerBill how many ranges a bill may split into at most
    function rules()
        external
        pure
        returns (
            uint256 roleTable,
            uint256 maxBillAmount,
            uint256 maxTenorDays,
            uint256 maxAdjustDays,
            uint256 maxReasonBytes,
            uint256 maxRangesPerBill
        );
}
