// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BillRegistryEvents} from "./BillRegistryEvents.sol";

/// @title The bill registry: every bill, range and transfer of billchain and its lifecycle.
/// @dev The registry's address answers this interface and IBillRegistryExtension (the rest of its functions,
///      run by delegatecall from its fallback: BillRegistry.sol says why); the ABI of chain/artifacts holds both.
interface IBillRegistry is BillRegistryEvents {
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

    /// @notice The payee receives an ACCEPTED bill: one range 1..amount, held by the payee.
    /// @param billId the bill
    function receiveBill(uint256 billId) external;

    /// @notice The holder requests endorsement of `amount` fen from the range at `start` to `to`.
    /// @param billId the bill
    /// @param start the range's first sub-bill number
    /// @param amount the part that moves (the range splits when it is smaller)
    /// @param to the ENTERPRISE or BANK endorsed to, who signs to complete it
    /// @param documentHash an invoice anchored with the request, or 0
    /// @param restrictive 不得转让: the endorser is then liable to `to` alone, not to whoever takes the range
    ///        after it (DOMAIN.md, "Restrictive endorsement")
    /// @return transferId the pending transfer
    function endorse(
        uint256 billId,
        uint256 start,
        uint256 amount,
        address to,
        bytes32 documentHash,
        bool restrictive
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
    /// @param against the drawer, the acceptor, an earlier endorser (after a timely presentment), or the
    ///        guarantor of any of them; a restrictive endorser only by its own endorsee
    /// @return transferId the pending RECOURSE transfer, priced at the range's amount
    function recourse(uint256 billId, uint256 start, address against) external returns (uint256 transferId);

    /// @notice The counterparty completes a pending transfer (with payment for DISCOUNT and RECOURSE); a
    ///         SEIZURE is completed by a REGULATOR other than its requester, or by the OPERATOR.
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

    /// @notice A regulator unfreezes the whole bill (`start` = 0) or one range (a judicial freeze too: its order
    ///         is lifted with it).
    /// @param billId the bill
    /// @param start the range's first sub-bill number, or 0 for the bill
    function unfreeze(uint256 billId, uint256 start) external;

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
}
