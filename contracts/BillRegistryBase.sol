// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {DocumentAnchors} from "./DocumentAnchors.sol";
import {IDigitalCash} from "./interfaces/IDigitalCash.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {DiscountPricing} from "./libraries/DiscountPricing.sol";
import {EndorsementChain} from "./libraries/EndorsementChain.sol";
import {RangeBook} from "./libraries/RangeBook.sol";
import {Bill, OverdueRecord, Range, Transfer} from "./types/BillRecords.sol";
import {
    BillStatus,
    Freeze,
    MAX_RANGES_PER_BILL,
    MemberStatus,
    OVERDUE_WINDOW_DAYS,
    RangeState,
    TransferKind,
    TransferStatus
} from "./types/BillTypes.sol";

/// @title The bill registry's storage and the checks both of its halves run.
/// @dev BillRegistry (the lifecycle) and BillRegistryExtension (guarantees, court orders, views; run by
///      delegatecall on BillRegistry's storage) both derive from this contract and declare no storage of their
///      own, so their layouts are this one (chain/compile.py compares them on every compile). Their immutables
///      are the same values: BillRegistry creates the extension with its own.
abstract contract BillRegistryBase is DocumentAnchors, ERC2771Context {
    using RangeBook for mapping(uint256 => Range);
    using EndorsementChain for mapping(uint256 => Transfer);
    using EndorsementChain for EndorsementChain.Links;
    using RangeBook for Range;

    /// @dev The parties of a bill a guarantor of the whole bill guarantees: bits of `_billGuarantors`.
    uint8 internal constant GUARANTEES_DRAWER = 1;
    uint8 internal constant GUARANTEES_ACCEPTOR = 2;
    uint256 internal constant RATE_ONE = DiscountPricing.RATE_ONE;
    uint256 private constant SHANGHAI_OFFSET = 8 hours;

    IParticipantRegistry internal immutable _registry;
    IDigitalCash internal immutable _cash;

    uint32 internal _billCount;
    uint32 internal _transferCount;
    mapping(uint256 billId => Bill) internal _bills;
    mapping(uint256 billId => mapping(uint256 start => Range)) internal _ranges;
    mapping(uint256 transferId => Transfer) internal _transfers;
    /// @dev Who asked for a transfer whose initiator is not its range's holder: a drawer's or acceptor's
    ///      GUARANTEE, a SEIZURE's REGULATOR.
    mapping(uint256 transferId => uint32 code) internal _initiators;
    /// @dev The court order a SEIZURE executes.
    mapping(uint256 transferId => bytes32 orderHash) internal _seizureOrders;
    /// @dev The court order a bill (start 0) or range is frozen under (Freeze.UNDER_ORDER).
    mapping(uint256 billId => mapping(uint256 start => bytes32 orderHash)) internal _orders;
    /// @dev The parties of the bill each guarantor of the whole bill guarantees (GUARANTEES_* bits).
    mapping(uint256 billId => mapping(uint32 guarantor => uint8 parties)) internal _billGuarantors;
    /// @dev Each acceptor's last overdue events, by member code (which a key recovery keeps).
    mapping(uint32 acceptor => OverdueRecord) internal _overdue;

    constructor(IParticipantRegistry registry, IDigitalCash cash, address relay) ERC2771Context(relay) {
        _registry = registry;
        _cash = cash;
    }

    // ------------------------------------------------------------ records

    function _bill(uint256 billId) internal view returns (Bill storage bill) {
        bill = _bills[billId];
        if (bill.status == BillStatus.NONE) revert BillNotFound(billId);
    }

    function _range(uint256 billId, uint256 start) internal view returns (Range storage range) {
        range = _ranges[billId][start];
        if (range.state == RangeState.NONE) revert RangeNotFound(billId, start);
    }

    function _transfer(uint256 transferId) internal view returns (Transfer storage t) {
        t = _transfers[transferId];
        if (t.status == TransferStatus.NONE) revert TransferNotFound(transferId);
    }

    /// @dev The caller's member record, if its role is one of `roles` (rolesFor(operation)); else FORBIDDEN.
    function _actor(uint8 roles) internal view returns (IParticipantRegistry.Member memory caller) {
        caller = _registry.membershipOf(_msgSender());
        if (!_hasRole(caller, roles)) revert BillRoleForbidden(_msgSender(), caller.role);
    }

    /// @dev Who asked for transfer `transferId`: the claimant of a RECOURSE, the recorded initiator of a
    ///      SEIZURE or of a guarantee of the whole bill, else the range's holder.
    function _initiatorOf(uint256 transferId, Transfer storage t, Range storage range) internal view returns (uint32) {
        TransferKind kind = t.kind;
        if (kind == TransferKind.RECOURSE) return _claimant(range);
        if (kind == TransferKind.SEIZURE || t.start == 0) return _initiators[transferId];
        return range.holder;
    }

    /// @dev Who may claim recourse on a range: its pledgee while it is pledged (DOMAIN.md), else its holder.
    function _claimant(Range storage range) internal view returns (uint32) {
        uint32 pledgee = range.pledgee;
        return pledgee != 0 ? pledgee : range.holder;
    }

    // ------------------------------------------------------------- checks

    /// @dev Bill-level 409 checks in API order: frozen bill, frozen caller, then the status (NONE: never allowed).
    function _requireBillOpen(
        uint256 billId,
        Bill storage bill,
        IParticipantRegistry.Member memory caller,
        BillStatus expected
    ) internal view {
        if (bill.freeze != Freeze.NONE) revert BillFrozen(billId);
        _requireActive(caller, _msgSender());
        if (expected == BillStatus.NONE || bill.status != expected) revert BillInvalidState(billId, uint8(bill.status));
    }

    function _requireRangeFree(
        uint256 billId,
        Bill storage bill,
        uint256 start,
        Range storage range,
        IParticipantRegistry.Member memory caller
    ) internal view {
        _requireBillOpen(billId, bill, caller, BillStatus.CIRCULATING);
        if (range.freeze != Freeze.NONE) revert RangeFrozen(billId, start);
    }

    function _requireNotMatured(uint256 billId, Bill storage bill) internal view returns (uint256 day) {
        day = _today();
        if (day >= bill.maturityDay) revert BillMatured(billId, bill.maturityDay, day);
    }

    /// @dev ACCEPTOR_OVERDUE when `acceptor` (the bill's) is persistently overdue today (DOMAIN.md): one read.
    function _requireInGoodStanding(uint256 billId, uint32 acceptor) internal view {
        uint256 until = _overdueUntil(_overdue[acceptor]);
        if (until != 0 && _today() <= until) revert BillAcceptorOverdue(billId, until);
    }

    /// @dev ACCEPTOR_OVERDUE when the bill's acceptor is persistently overdue and has accepted it (DOMAIN.md: "a
    ///      bill it accepted"; one still ISSUED it has not): a guarantee of the whole bill.
    function _requireAcceptedInGoodStanding(uint256 billId, Bill storage bill) internal view {
        if (bill.status != BillStatus.ISSUED) _requireInGoodStanding(billId, bill.acceptor);
    }

    /// @dev The parties of the bill whose guarantee `code` may ask for now (GUARANTEES_* bits; 0: none): the
    ///      drawer while the bill is ISSUED, ACCEPTED or CIRCULATING, the acceptor while ACCEPTED or CIRCULATING.
    function _guaranteedParties(Bill storage bill, uint32 code) internal view returns (uint8 parties) {
        BillStatus status = bill.status;
        bool accepted = status == BillStatus.ACCEPTED || status == BillStatus.CIRCULATING;
        if (code == bill.drawer && (accepted || status == BillStatus.ISSUED)) parties = GUARANTEES_DRAWER;
        if (code == bill.acceptor && accepted) parties |= GUARANTEES_ACCEPTOR;
    }

    /// @dev FROZEN is PARTICIPANT_FROZEN; PENDING (a REGULATOR not yet approved) is FORBIDDEN: it acts in nothing.
    function _requireActive(IParticipantRegistry.Member memory m, address account) internal pure {
        if (m.status != uint8(MemberStatus.ACTIVE)) {
            if (m.status == uint8(MemberStatus.PENDING)) revert ParticipantPending(account);
            revert ParticipantFrozen(account);
        }
    }

    function _hasRole(IParticipantRegistry.Member memory m, uint8 roles) internal pure returns (bool) {
        return m.code != 0 && (roles & (uint8(1) << m.role)) != 0;
    }

    // ------------------------------------------------------------ effects

    /// @dev Splits off the first `amount` fen of the range at `start` (which ends at `end`), when it is smaller.
    ///      Returns the moving part's last sub-bill number.
    function _splitOff(
        uint256 billId,
        Bill storage bill,
        uint256 start,
        Range storage range,
        uint256 amount,
        uint256 end
    ) internal returns (uint256 last) {
        uint256 splitAt = start + amount;
        if (splitAt <= end) {
            if (bill.rangeCount >= MAX_RANGES_PER_BILL) revert BillTooManyRanges(billId, MAX_RANGES_PER_BILL);
            ++bill.rangeCount;
            _ranges[billId].split(range, splitAt, end);
            emit RangeSplit(billId, start, splitAt, end);
        }
        return splitAt - 1;
    }

    /// @dev Locks the range under a new pending transfer. `priorState` is the range's state, which the caller has
    ///      checked (HELD for a request to move it): what a rejection or a revocation puts back.
    function _openTransfer(
        uint256 billId,
        uint256 start,
        Range storage range,
        RangeState priorState,
        uint32 to,
        TransferKind kind,
        uint256 price,
        bool restrictive
    ) internal returns (uint256 transferId) {
        transferId = ++_transferCount;
        _transfers[transferId] = Transfer({
            to: to,
            billId: uint32(billId),
            start: uint40(start),
            end: range.end,
            price: uint40(price),
            parent: range.chainHead,
            kind: kind,
            status: TransferStatus.PENDING,
            priorState: priorState,
            restrictive: restrictive
        });
        range.state = RangeState.LOCKED;
    }

    /// @dev A rejected or revoked transfer: the range back in its state before; a HELD range merges with
    ///      the range after it when they are alike (same holder and chain, nothing on either), so that
    ///      requesting and withdrawing a split does not fragment the bill; the transfer's document is freed.
    ///      A guarantee of the whole bill locked no range: nothing to put back.
    function _unwind(uint256 transferId, Transfer storage t, Bill storage bill, Range storage range) internal {
        uint256 billId = t.billId;
        if (t.start == 0) return;
        range.state = t.priorState;
        _releaseTransferDocument(billId, transferId);
        uint256 following = uint256(range.end) + 1;
        if (range.state != RangeState.HELD || following > bill.amount) return;
        Range storage next = _ranges[billId][following];
        if (RangeBook.mergeable(range, next)) {
            uint256 end = next.end;
            _ranges[billId].merge(range, following);
            --bill.rangeCount;
            emit RangesMerged(billId, t.start, following, end);
        }
    }

    // ------------------------------------------------------------ answers

    /// @dev Recourse liability (DOMAIN.md): the drawer and the acceptor always; then the chain's members and the
    ///      guarantors it binds (EndorsementChain.liable; a plain chain's in one walk: `precedes`); then the
    ///      guarantors of the whole bill, of the drawer or the acceptor (each read only when the cheaper answers
    ///      said no). `paysFor`: when `target` is liable as nothing but a guarantor, the parties of the chain it
    ///      would pay for, with EndorsementChain.PAYS_AS_GUARANTOR set (its whole-bill parties are added when it
    ///      pays: `_paidForWholeBill`); else 0.
    function _isLiable(
        uint256 billId,
        Bill storage bill,
        Range storage range,
        uint32 target
    ) internal view returns (bool, uint16 paysFor) {
        uint32 drawer = bill.drawer;
        uint32 acceptor = bill.acceptor;
        if (target == drawer || target == acceptor) return (true, 0);
        uint32 holder = range.holder;
        if (!range.markedChain) {
            if (!range.late && _precedesClaimant(bill, range, target)) return (true, 0);
        } else {
            EndorsementChain.Links memory links = _transfers.load(range.chainHead, bill.payee);
            EndorsementChain.Claim memory claim = EndorsementChain.Claim({
                holder: holder,
                target: target,
                drawer: drawer,
                acceptor: acceptor,
                late: range.late,
                paidFor: range.paidFor
            });
            bool chained;
            (chained, paysFor) = links.liable(claim);
            if (chained) return (true, paysFor);
        }
        uint8 parties = _billGuarantors[billId][target];
        bool guarantor =
            ((parties & GUARANTEES_DRAWER) != 0 && drawer != holder)
                || ((parties & GUARANTEES_ACCEPTOR) != 0 && acceptor != holder);
        return (guarantor, guarantor ? EndorsementChain.PAYS_AS_GUARANTOR : 0);
    }

    /// @dev On a plain chain (no guarantee node): whether `target` is earlier than the holder, or than a party of
    ///      the whole bill the holder paid recourse for as its guarantor (`range.paidFor`).
    function _precedesClaimant(Bill storage bill, Range storage range, uint32 target) private view returns (bool) {
        uint256 head = range.chainHead;
        uint32 payee = bill.payee;
        if (_transfers.precedes(head, payee, range.holder, target)) return true;
        uint16 paid = range.paidFor;
        if (paid == 0) return false;
        return
            ((paid & EndorsementChain.PAID_FOR_DRAWER) != 0 && _transfers.precedes(head, payee, bill.drawer, target))
            || ((paid & EndorsementChain.PAID_FOR_ACCEPTOR) != 0
                && _transfers.precedes(head, payee, bill.acceptor, target));
    }

    /// @dev What a recourse's payer paid for (`range.paidFor` once it holds the range): the parties `_isLiable`
    ///      found for it, with the drawer and the acceptor it guarantees on the whole bill (read now, so a
    ///      guarantee signed while the recourse was pending counts) when it paid as nothing but a guarantor.
    function _paidForWholeBill(
        uint256 billId,
        Bill storage bill,
        Range storage range,
        uint32 payer
    ) internal view returns (uint16 paid) {
        uint16 pending = range.payerPaysFor;
        if ((pending & EndorsementChain.PAYS_AS_GUARANTOR) == 0) return 0;
        paid = pending & ~EndorsementChain.PAYS_AS_GUARANTOR;
        uint8 parties = _billGuarantors[billId][payer];
        uint32 holder = range.holder;
        if ((parties & GUARANTEES_DRAWER) != 0 && bill.drawer != holder) paid |= EndorsementChain.PAID_FOR_DRAWER;
        if ((parties & GUARANTEES_ACCEPTOR) != 0 && bill.acceptor != holder) paid |= EndorsementChain.PAID_FOR_ACCEPTOR;
    }

    /// @dev The last day an acceptor with these events is persistently overdue: its third-latest event's day plus
    ///      the window (0 while it has fewer than three). The record keeps the last OVERDUE_EVENTS (3) events.
    function _overdueUntil(OverdueRecord storage record) internal view returns (uint256) {
        uint256 third = record.third;
        return third == 0 ? 0 : third + OVERDUE_WINDOW_DAYS;
    }

    function _today() internal view returns (uint256) {
        return _dayOf(block.timestamp);
    }

    /// @dev DOMAIN.md's discount price: amount - round_half_up(amount * rate * days / 360), rate in millionths.
    function _discountPrice(uint256 amount, uint256 rateMicros, uint256 days_) internal pure returns (uint256) {
        return DiscountPricing.price(amount, rateMicros, days_);
    }

    function _dayOf(uint256 timestamp) internal pure returns (uint256) {
        return (timestamp + SHANGHAI_OFFSET) / 1 days;
    }
}
