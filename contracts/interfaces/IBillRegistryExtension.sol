// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BillRegistryEvents} from "./BillRegistryEvents.sol";

/// @title The rest of the bill registry: guarantees, court orders, and every view.
/// @dev Answered at the bill registry's address, which runs these by delegatecall on its own storage
///      (contracts/BillRegistry.sol); one deployed contract could not hold them all (EIP-170's 24,576 bytes).
interface IBillRegistryExtension is BillRegistryEvents {
    /// @notice The acceptor rejects an ISSUED bill, or the payee an ACCEPTED one.
    /// @param billId the bill
    function reject(uint256 billId) external;

    /// @notice The drawer cancels an ISSUED or ACCEPTED bill.
    /// @param billId the bill
    function cancel(uint256 billId) external;

    /// @notice Asks `guarantor` to guarantee the caller on the bill (保证): the drawer or the acceptor for the
    ///         whole bill (`start` 0; the drawer while ISSUED, ACCEPTED or CIRCULATING, the acceptor while
    ///         ACCEPTED or CIRCULATING), or a holder for `amount` fen of its HELD range at `start` (LOCKED
    ///         while pending; split as for endorse). The guarantor signs or rejects it; the initiator may revoke.
    ///         Signed, the guarantor is liable wherever the party it guaranteed is (DOMAIN.md, "Guarantees").
    /// @param billId the bill
    /// @param start 0 for the drawer's or acceptor's guarantee, else the holder's range
    /// @param amount a holder's part of its range (ignored for 0 `start`)
    /// @param guarantor a BANK or ENTERPRISE other than the caller
    /// @return transferId the pending GUARANTEE transfer
    function guarantee(
        uint256 billId,
        uint256 start,
        uint256 amount,
        address guarantor
    ) external returns (uint256 transferId);

    /// @notice A REGULATOR freezes the whole bill (`start` 0) or one range under a court's order (司法冻结): a
    ///         freeze that names the order, which only a REGULATOR lifts (`unfreeze`) and under which a range
    ///         may be seized. A plain freeze may become a judicial one; a judicial freeze names one order.
    /// @param billId the bill
    /// @param start the range's first sub-bill number, or 0 for the bill
    /// @param orderHash the SHA-256 of the court's order
    function freezeUnderOrder(uint256 billId, uint256 start, bytes32 orderHash) external;

    /// @notice A REGULATOR asks that a HELD range frozen under `orderHash` move to the order's beneficiary
    ///         (扣划): a pending SEIZURE that another REGULATOR or the OPERATOR signs (then the range is HELD by
    ///         `to`, unfrozen, and `to` joins its endorsement chain) or rejects; the requester may revoke it.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    /// @param to the beneficiary: a BANK or ENTERPRISE, not the holder
    /// @param orderHash the order the range is frozen under
    /// @return transferId the pending SEIZURE transfer
    function seize(uint256 billId, uint256 start, address to, bytes32 orderHash) external returns (uint256 transferId);

    /// @notice The second party of a pending SEIZURE (an ACTIVE REGULATOR other than its requester, or the
    ///         OPERATOR) signs it, naming what it signs for: then the range, still frozen under the order, is
    ///         HELD by the beneficiary, unfrozen, and the beneficiary joins its endorsement chain.
    /// @param transferId the SEIZURE
    /// @param to its beneficiary, as the seizure names it
    /// @param orderHash its court order, as the seizure names it
    function confirmSeizure(uint256 transferId, address to, bytes32 orderHash) external;

    /// @notice The second party of a pending SEIZURE refuses it: the range is HELD again, still frozen.
    /// @param transferId the SEIZURE
    function rejectSeizure(uint256 transferId) external;

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
    /// @return overdueEvents how many overdue events in the window make an acceptor persistently overdue
    /// @return overdueWindowDays the window, in days
    function rules()
        external
        pure
        returns (
            uint256 roleTable,
            uint256 maxBillAmount,
            uint256 maxTenorDays,
            uint256 maxAdjustDays,
            uint256 maxReasonBytes,
            uint256 maxRangesPerBill,
            uint256 overdueEvents,
            uint256 overdueWindowDays
        );

    /// @notice Whether `target` is liable to the range's holder in recourse now (DOMAIN.md, "Recourse"): what
    ///         `recourse` checks, for clients to ask before they claim.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    /// @param target any address
    /// @return whether a recourse claim against `target` would be accepted on liability
    function liableTo(uint256 billId, uint256 start, address target) external view returns (bool);

    /// @notice The parties of the bill `guarantor` guaranteed as a whole (signed guarantees).
    /// @param billId the bill
    /// @param guarantor any address
    /// @return parties bit 0: the drawer's guarantor, bit 1: the acceptor's
    function billGuaranteesOf(uint256 billId, address guarantor) external view returns (uint8 parties);

    /// @notice An acceptor's last three overdue events and whether it is persistently overdue today.
    /// @param acceptor any address
    /// @return latest the day number of its latest event (0: none)
    /// @return second of the one before
    /// @return third of the third-latest, which decides
    /// @return overdueUntil the last day it is persistently overdue (0 when it never was)
    /// @return persistently whether it is today
    function overdueOf(
        address acceptor
    ) external view returns (uint256 latest, uint256 second, uint256 third, uint256 overdueUntil, bool persistently);

    /// @notice The court order a bill (`start` 0) or range is frozen under.
    /// @param billId the bill
    /// @param start the range's first sub-bill number, or 0 for the bill
    /// @return orderHash the order's SHA-256, 0 when none
    function orderOf(uint256 billId, uint256 start) external view returns (bytes32 orderHash);
}
