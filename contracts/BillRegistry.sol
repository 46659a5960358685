// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IBillRegistry} from "./interfaces/IBillRegistry.sol";
import {DigitalCash} from "./DigitalCash.sol";
import {IDigitalCash} from "./interfaces/IDigitalCash.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {DocumentAnchors} from "./DocumentAnchors.sol";
import {EndorsementChain} from "./libraries/EndorsementChain.sol";
import {RangeBook} from "./libraries/RangeBook.sol";
import {Bill, Range, Transfer} from "./types/BillRecords.sol";
import {
    BillKind,
    BillStatus,
    MAX_ADJUST_DAYS,
    MAX_BILL_AMOUNT,
    MAX_RANGES_PER_BILL,
    MAX_REASON_BYTES,
    MAX_TENOR_DAYS,
    MemberStatus,
    Operation,
    ROLE_TABLE,
    ROLES_BANK,
    ROLES_ENTERPRISE,
    ROLES_HOLDER,
    RangeState,
    TransferKind,
    TransferStatus,
    rolesFor
} from "./types/BillTypes.sol";

/// @title The bill registry of billchain: the entry points of every bill operation, in API.md's order of
///        checks (404, 403 role, 403 party, 422, 409). Range bookkeeping lives in RangeBook, the
///        endorsement chain in EndorsementChain, document anchors in DocumentAnchors.
/// @dev Who acts is `_msgSender()`: the caller, or the participant whose signed operation the OperationRelay
///      (the one trusted forwarder, fixed at construction) runs for it (docs/SIGNING.md).
contract BillRegistry is IBillRegistry, DocumentAnchors, ERC2771Context {
    using RangeBook for mapping(uint256 => Range);
    using RangeBook for Range;
    using EndorsementChain for mapping(uint256 => Transfer);

    uint256 private constant TIMELY_PRESENTMENT_DAYS = 10;
    uint256 private constant UNANSWERED_DAYS = 3;
    uint256 private constant RATE_ONE = 1_000_000;
    uint256 private constant SHANGHAI_OFFSET = 8 hours;

    IParticipantRegistry private immutable _registry;
    IDigitalCash private immutable _cash;

    uint32 private _billCount;
    uint32 private _transferCount;
    mapping(uint256 billId => Bill) private _bills;
    mapping(uint256 billId => mapping(uint256 start => Range)) private _ranges;
    mapping(uint256 transferId => Transfer) private _transfers;

    /// @dev Creates its digital cash: the cash's settler is this contract, fixed for good (no role to grant).
    ///      `relay` runs signed operations for their signers, here and in the cash.
    constructor(IParticipantRegistry registry, address relay) ERC2771Context(relay) {
        _registry = registry;
        _cash = new DigitalCash(registry, relay);
    }

    // ---------------------------------------------------------------- bill

    // Every check of a bill's issue in API.md's order, one rule set (slither.db.json, cyclomatic-complexity).
    // solhint-disable function-max-lines
    /// @inheritdoc IBillRegistry
    function issue(
        uint8 kind,
        address acceptor,
        address payee,
        uint256 amount,
        uint256 maturityDay,
        bool transferable,
        bytes32 documentHash
    ) external returns (uint256 billId) {
        IParticipantRegistry.Member memory drawer = _actor(rolesFor(Operation.ISSUE));
        if (kind < uint8(BillKind.BANK_ACCEPTANCE) || kind > uint8(BillKind.SUPPLY_CHAIN)) revert BillInvalidKind(kind);
        BillKind billKind = BillKind(kind);
        if (amount == 0 || amount > MAX_BILL_AMOUNT) revert BillInvalidAmount(amount);
        uint256 day = _today();
        if (maturityDay <= day || maturityDay - day > MAX_TENOR_DAYS) revert BillInvalidMaturity(day, maturityDay);
        if (billKind == BillKind.SUPPLY_CHAIN && documentHash == bytes32(0)) revert BillDocumentRequired();

        IParticipantRegistry.Member memory acc = _registry.membershipOf(acceptor);
        uint8 acceptorRoles =
            billKind == BillKind.BANK_ACCEPTANCE
                ? ROLES_BANK
                : (billKind == BillKind.COMMERCIAL_ACCEPTANCE ? ROLES_ENTERPRISE : ROLES_HOLDER);
        if (!_hasRole(acc, acceptorRoles)) revert BillInvalidCounterparty(acceptor);
        IParticipantRegistry.Member memory payeeMember = _registry.membershipOf(payee);
        if (!_hasRole(payeeMember, ROLES_ENTERPRISE) || payee == _msgSender()) revert BillInvalidCounterparty(payee);

        _requireActive(drawer, _msgSender());
        _requireActive(acc, acceptor);
        _requireActive(payeeMember, payee);

        billId = ++_billCount;
        bool selfAccepted = acceptor == _msgSender();
        _bills[billId] = Bill({
            drawer: drawer.code,
            acceptor: acc.code,
            payee: payeeMember.code,
            amount: uint40(amount),
            paidAmount: 0,
            issueDay: uint16(day),
            maturityDay: uint16(maturityDay),
            kind: billKind,
            status: selfAccepted ? BillStatus.ACCEPTED : BillStatus.ISSUED,
            transferable: transferable,
            frozen: false,
            rangeCount: 0
        });
        emit BillIssued(
            billId,
            _msgSender(),
            acceptor,
            payee,
            kind,
            amount,
            day,
            maturityDay,
            transferable,
            documentHash
        );
        if (documentHash != bytes32(0)) _anchorForBill(documentHash, billId);
        if (selfAccepted) emit BillAccepted(billId, acceptor);
    }
    // solhint-enable function-max-lines

    /// @inheritdoc IBillRegistry
    function accept(uint256 billId) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.ACCEPT));
        if (caller.code != bill.acceptor) revert BillNotParty(billId, _msgSender());
        _requireBillOpen(billId, bill, caller, BillStatus.ISSUED);
        bill.status = BillStatus.ACCEPTED;
        emit BillAccepted(billId, _msgSender());
    }

    /// @inheritdoc IBillRegistry
    function reject(uint256 billId) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.REJECT));
        bool asAcceptor = caller.code == bill.acceptor;
        bool asPayee = caller.code == bill.payee;
        if (!asAcceptor && !asPayee) revert BillNotParty(billId, _msgSender());
        BillStatus status = bill.status;
        bool allowed = (asAcceptor && status == BillStatus.ISSUED) || (asPayee && status == BillStatus.ACCEPTED);
        _requireBillOpen(billId, bill, caller, allowed ? status : BillStatus.NONE);
        bill.status = BillStatus.REJECTED;
        emit BillRejected(billId, _msgSender());
    }

    /// @inheritdoc IBillRegistry
    function receiveBill(uint256 billId) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.RECEIVE));
        if (caller.code != bill.payee) revert BillNotParty(billId, _msgSender());
        _requireBillOpen(billId, bill, caller, BillStatus.ACCEPTED);
        bill.status = BillStatus.CIRCULATING;
        bill.rangeCount = 1;
        uint40 amount = bill.amount;
        _ranges[billId][RangeBook.FIRST] = Range({
            end: amount,
            holder: caller.code,
            state: RangeState.HELD,
            frozen: false,
            late: false,
            chainHead: 0,
            pledgee: 0,
            presentedAt: 0
        });
        emit BillReceived(billId, _msgSender(), RangeBook.FIRST, amount);
    }

    /// @inheritdoc IBillRegistry
    function cancel(uint256 billId) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.CANCEL));
        if (caller.code != bill.drawer) revert BillNotParty(billId, _msgSender());
        BillStatus status = bill.status;
        bool allowed = status == BillStatus.ISSUED || status == BillStatus.ACCEPTED;
        _requireBillOpen(billId, bill, caller, allowed ? status : BillStatus.NONE);
        bill.status = BillStatus.CANCELLED;
        emit BillCancelled(billId, _msgSender());
    }

    // ----------------------------------------------------------- transfers

    /// @inheritdoc IBillRegistry
    function endorse(
        uint256 billId,
        uint256 start,
        uint256 amount,
        address to,
        bytes32 documentHash
    ) external returns (uint256 transferId) {
        return
            _requestMove(
                billId,
                start,
                amount,
                to,
                rolesFor(Operation.ENDORSE),
                ROLES_HOLDER,
                TransferKind.ENDORSE,
                0,
                0,
                documentHash
            );
    }

    /// @inheritdoc IBillRegistry
    function discount(
        uint256 billId,
        uint256 start,
        uint256 amount,
        address bank,
        uint256 rateMicros,
        uint256 adjustDays,
        bytes32 documentHash
    ) external returns (uint256 transferId) {
        return
            _requestMove(
                billId,
                start,
                amount,
                bank,
                rolesFor(Operation.DISCOUNT),
                ROLES_BANK,
                TransferKind.DISCOUNT,
                rateMicros,
                adjustDays,
                documentHash
            );
    }

    /// @inheritdoc IBillRegistry
    function pledge(uint256 billId, uint256 start, uint256 amount, address bank) external returns (uint256 transferId) {
        return
            _requestMove(
                billId,
                start,
                amount,
                bank,
                rolesFor(Operation.PLEDGE),
                ROLES_BANK,
                TransferKind.PLEDGE,
                0,
                0,
                bytes32(0)
            );
    }

    /// @inheritdoc IBillRegistry
    function recourse(uint256 billId, uint256 start, address against) external returns (uint256 transferId) {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.RECOURSE));
        Range storage range = _range(billId, start);
        if (_claimant(range) != caller.code) revert BillNotParty(billId, _msgSender());
        IParticipantRegistry.Member memory target = _registry.membershipOf(against);
        if (!_hasRole(target, ROLES_HOLDER) || against == _msgSender()) revert BillInvalidCounterparty(against);
        _requireRangeFree(billId, bill, start, range, caller);
        _requireActive(target, against);
        RangeState state = range.state;
        if (state == RangeState.PRESENTED) {
            uint256 presentedDay = _dayOf(range.presentedAt);
            uint256 day = _today();
            if (day < presentedDay + UNANSWERED_DAYS) revert RecourseTooEarly(billId, start, presentedDay, day);
        } else if (state != RangeState.DISHONORED) {
            revert RangeInvalidState(billId, start, uint8(state));
        }
        if (!_isLiable(bill, range, target.code)) revert RecourseInvalidTarget(billId, start, against);
        uint256 price = uint256(range.end) - start + 1;
        transferId = _openTransfer(billId, start, range, state, target.code, TransferKind.RECOURSE, price);
        emit TransferRequested(
            transferId,
            billId,
            uint8(TransferKind.RECOURSE),
            _msgSender(),
            against,
            start,
            range.end,
            price,
            0,
            0,
            0
        );
    }

    /// @inheritdoc IBillRegistry
    function sign(uint256 transferId) external {
        (
            Transfer storage t,
            Bill storage bill,
            Range storage range,
            IParticipantRegistry.Member memory caller
        ) = _pendingTransfer(transferId, rolesFor(Operation.SIGN), true);
        uint256 billId = t.billId;
        TransferKind kind = t.kind;
        if (kind != TransferKind.RECOURSE) _requireNotMatured(billId, bill);
        address holder = _registry.accountOf(range.holder);
        _requireActive(_registry.membershipOf(holder), holder);
        t.status = TransferStatus.SIGNED;
        emit TransferSigned(transferId, billId, _msgSender());
        if (kind == TransferKind.PLEDGE) {
            range.state = RangeState.PLEDGED;
            range.pledgee = caller.code;
            return;
        }
        if (kind == TransferKind.RECOURSE) {
            // A pledged range's proceeds reach its pledgee (the claimant while it is pledged).
            address payee = range.pledgee != 0 ? _registry.accountOf(range.pledgee) : holder;
            if (payee != holder) _requireActive(_registry.membershipOf(payee), payee);
            _cash.settle(_msgSender(), payee, t.price);
            if (caller.code == bill.acceptor) {
                range.state = RangeState.PAID;
                range.pledgee = 0;
                emit RangePaid(billId, t.start, t.end, _msgSender(), payee);
                _addPaid(billId, bill, uint256(t.end) - t.start + 1);
            } else {
                range.holder = caller.code;
                range.state = RangeState.DISHONORED;
                range.pledgee = 0;
            }
            return;
        }
        if (kind == TransferKind.DISCOUNT) _cash.settle(_msgSender(), holder, t.price);
        range.holder = caller.code;
        range.state = RangeState.HELD;
        range.chainHead = uint32(transferId);
    }

    /// @inheritdoc IBillRegistry
    function rejectTransfer(uint256 transferId) external {
        (Transfer storage t, Bill storage bill, Range storage range, ) = _pendingTransfer(
            transferId,
            rolesFor(Operation.REJECT_TRANSFER),
            true
        );
        t.status = TransferStatus.REJECTED;
        emit TransferRejected(transferId, t.billId, _msgSender());
        _unwind(transferId, t, bill, range);
    }

    /// @inheritdoc IBillRegistry
    function revoke(uint256 transferId) external {
        (Transfer storage t, Bill storage bill, Range storage range, ) = _pendingTransfer(
            transferId,
            rolesFor(Operation.REVOKE),
            false
        );
        t.status = TransferStatus.REVOKED;
        emit TransferRevoked(transferId, t.billId, _msgSender());
        _unwind(transferId, t, bill, range);
    }

    // --------------------------------------------------- pledge, maturity

    /// @inheritdoc IBillRegistry
    function release(uint256 billId, uint256 start) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.RELEASE));
        Range storage range = _range(billId, start);
        if (range.pledgee != caller.code) revert BillNotParty(billId, _msgSender());
        _requireRangeFree(billId, bill, start, range, caller);
        if (range.state != RangeState.PLEDGED) revert RangeInvalidState(billId, start, uint8(range.state));
        range.state = RangeState.HELD;
        range.pledgee = 0;
        emit PledgeReleased(billId, start, _msgSender());
    }

    /// @inheritdoc IBillRegistry
    function present(uint256 billId, uint256 start) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.PRESENT));
        Range storage range = _range(billId, start);
        bool pledgee = range.pledgee == caller.code && range.state == RangeState.PLEDGED;
        if (range.holder != caller.code && !pledgee) revert BillNotParty(billId, _msgSender());
        _requireBillOpen(billId, bill, caller, BillStatus.CIRCULATING);
        if (range.frozen) revert RangeFrozen(billId, start);
        if (range.state != RangeState.HELD && range.state != RangeState.PLEDGED) {
            revert RangeInvalidState(billId, start, uint8(range.state));
        }
        uint256 day = _requireMature(billId, bill);
        _present(billId, start, range, bill, day);
    }

    /// @inheritdoc IBillRegistry
    function presentAll(uint256 billId) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.PRESENT));
        if (!_touchesAnyRange(billId, bill, caller.code)) revert BillNotParty(billId, _msgSender());
        _requireBillOpen(billId, bill, caller, BillStatus.CIRCULATING);
        uint256 day = _requireMature(billId, bill);
        uint256 count = 0;
        uint256 amount = bill.amount;
        mapping(uint256 => Range) storage ranges = _ranges[billId];
        for (uint256 start = RangeBook.FIRST; start != 0;) {
            (Range storage range, uint256 following) = ranges.step(start, amount);
            RangeState state = range.state;
            bool mine = range.holder == caller.code || (range.pledgee == caller.code && state == RangeState.PLEDGED);
            if (mine && !range.frozen && (state == RangeState.HELD || state == RangeState.PLEDGED)) {
                _present(billId, start, range, bill, day);
                ++count;
            }
            start = following;
        }
        if (count == 0) revert RangeNoneEligible(billId, _msgSender());
    }

    /// @inheritdoc IBillRegistry
    function pay(uint256 billId, uint256 start) external {
        (Bill storage bill, IParticipantRegistry.Member memory caller) = _acceptor(billId, rolesFor(Operation.PAY));
        Range storage range = _range(billId, start);
        _requireBillOpen(billId, bill, caller, BillStatus.CIRCULATING);
        _requireRangePresented(billId, start, range);
        _pay(billId, bill, start, range);
    }

    /// @inheritdoc IBillRegistry
    function payAll(uint256 billId) external {
        (Bill storage bill, IParticipantRegistry.Member memory caller) = _acceptor(billId, rolesFor(Operation.PAY));
        _requireBillOpen(billId, bill, caller, BillStatus.CIRCULATING);
        _answerAll(billId, bill, true, string(msg.data[0:0])); // no reason: an empty calldata string
    }

    /// @inheritdoc IBillRegistry
    function dishonor(uint256 billId, uint256 start, string calldata reason) external {
        (Bill storage bill, IParticipantRegistry.Member memory caller) = _acceptor(
            billId,
            rolesFor(Operation.DISHONOR)
        );
        Range storage range = _range(billId, start);
        _requireReason(reason);
        _requireBillOpen(billId, bill, caller, BillStatus.CIRCULATING);
        _requireRangePresented(billId, start, range);
        _dishonor(billId, start, range, reason);
    }

    /// @inheritdoc IBillRegistry
    function dishonorAll(uint256 billId, string calldata reason) external {
        (Bill storage bill, IParticipantRegistry.Member memory caller) = _acceptor(
            billId,
            rolesFor(Operation.DISHONOR)
        );
        _requireReason(reason);
        _requireBillOpen(billId, bill, caller, BillStatus.CIRCULATING);
        _answerAll(billId, bill, false, reason);
    }

    // ------------------------------------------------------------- freeze

    /// @inheritdoc IBillRegistry
    function freeze(uint256 billId, uint256 start) external {
        _setFrozen(billId, start, true);
    }

    /// @inheritdoc IBillRegistry
    function unfreeze(uint256 billId, uint256 start) external {
        _setFrozen(billId, start, false);
    }

    // -------------------------------------------------------------- views

    /// @inheritdoc IBillRegistry
    function billOf(uint256 billId) external view returns (BillView memory) {
        Bill storage bill = _bill(billId);
        return
            BillView({
                kind: uint8(bill.kind),
                status: uint8(bill.status),
                transferable: bill.transferable,
                frozen: bill.frozen,
                drawer: _registry.accountOf(bill.drawer),
                acceptor: _registry.accountOf(bill.acceptor),
                payee: _registry.accountOf(bill.payee),
                amount: bill.amount,
                paidAmount: bill.paidAmount,
                issueDay: bill.issueDay,
                maturityDay: bill.maturityDay,
                documentHash: _billDocument(billId)
            });
    }

    /// @inheritdoc IBillRegistry
    function rangeOf(uint256 billId, uint256 start) external view returns (RangeView memory) {
        _bill(billId);
        return _rangeView(start, _range(billId, start));
    }

    /// @inheritdoc IBillRegistry
    function rangesOf(uint256 billId) external view returns (RangeView[] memory ranges) {
        Bill storage bill = _bill(billId);
        mapping(uint256 => Range) storage book = _ranges[billId];
        uint256 amount = bill.amount;
        ranges = new RangeView[](bill.rangeCount);
        uint256 i = 0;
        for (uint256 start = book.first(); start != 0;) {
            (Range storage range, uint256 following) = book.step(start, amount);
            ranges[i] = _rangeView(start, range);
            ++i;
            start = following;
        }
    }

    /// @inheritdoc IBillRegistry
    function transferOf(uint256 transferId) external view returns (TransferView memory) {
        Transfer storage t = _transfer(transferId);
        return
            TransferView({
                billId: t.billId,
                start: t.start,
                end: t.end,
                kind: uint8(t.kind),
                status: uint8(t.status),
                priorState: uint8(t.priorState),
                to: _registry.accountOf(t.to),
                price: t.price,
                documentHash: _transferDocument(transferId)
            });
    }

    /// @inheritdoc IBillRegistry
    function transferTerms(
        uint256 transferId
    ) external view returns (uint256 billId, uint256 start, uint256 end, uint256 price, uint8 kind) {
        Transfer storage t = _transfer(transferId);
        return (t.billId, t.start, t.end, t.price, uint8(t.kind));
    }

    /// @inheritdoc IBillRegistry
    function endorsementChain(uint256 billId, uint256 start) external view returns (address[] memory chain) {
        Bill storage bill = _bill(billId);
        Range storage range = _range(billId, start);
        uint32[] memory codes = _transfers.members(range.chainHead, bill.payee);
        chain = new address[](codes.length);
        for (uint256 i = 0; i < codes.length; ++i) {
            chain[i] = _registry.accountOf(codes[i]);
        }
    }

    /// @inheritdoc IBillRegistry
    function discountPrice(
        uint256 billId,
        uint256 amount,
        uint256 rateMicros,
        uint256 adjustDays
    ) external view returns (uint256 price) {
        Bill storage bill = _bill(billId);
        if (amount == 0 || amount > bill.amount) revert RangeInvalidAmount(billId, 0, amount);
        if (rateMicros >= RATE_ONE) revert DiscountInvalidRate(rateMicros);
        if (adjustDays > MAX_ADJUST_DAYS) revert DiscountInvalidAdjustDays(adjustDays);
        uint256 day = _requireNotMatured(billId, bill);
        return _discountPrice(amount, rateMicros, uint256(bill.maturityDay) - day + adjustDays);
    }

    /// @inheritdoc IBillRegistry
    function billCount() external view returns (uint256) {
        return _billCount;
    }

    /// @inheritdoc IBillRegistry
    function transferCount() external view returns (uint256) {
        return _transferCount;
    }

    /// @inheritdoc IBillRegistry
    function cash() external view returns (address) {
        return address(_cash);
    }

    /// @inheritdoc IBillRegistry
    function today() external view returns (uint256) {
        return _today();
    }

    /// @inheritdoc IBillRegistry
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
        )
    {
        return (ROLE_TABLE, MAX_BILL_AMOUNT, MAX_TENOR_DAYS, MAX_ADJUST_DAYS, MAX_REASON_BYTES, MAX_RANGES_PER_BILL);
    }

    // ------------------------------------------------------------ helpers

    // Every check of a transfer request in API.md's order, one rule set (slither.db.json, cyclomatic-complexity).
    // solhint-disable function-max-lines
    /// @dev Endorse, discount and pledge: split off `amount` fen and lock it under a pending transfer.
    function _requestMove(
        uint256 billId,
        uint256 start,
        uint256 amount,
        address to,
        uint8 callerRoles,
        uint8 counterpartyRoles,
        TransferKind kind,
        uint256 rateMicros,
        uint256 adjustDays,
        bytes32 documentHash
    ) private returns (uint256 transferId) {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(callerRoles);
        Range storage range = _range(billId, start);
        if (range.holder != caller.code) revert BillNotParty(billId, _msgSender());
        uint256 end = range.end;
        if (amount == 0 || amount > end - start + 1) revert RangeInvalidAmount(billId, start, amount);
        if (kind == TransferKind.DISCOUNT) {
            if (rateMicros >= RATE_ONE) revert DiscountInvalidRate(rateMicros);
            if (adjustDays > MAX_ADJUST_DAYS) revert DiscountInvalidAdjustDays(adjustDays);
        }
        IParticipantRegistry.Member memory counterparty = _registry.membershipOf(to);
        if (!_hasRole(counterparty, counterpartyRoles) || to == _msgSender()) revert BillInvalidCounterparty(to);
        _requireRangeFree(billId, bill, start, range, caller);
        _requireActive(counterparty, to);
        if (!bill.transferable) revert BillNotTransferable(billId);
        if (range.state != RangeState.HELD) revert RangeInvalidState(billId, start, uint8(range.state));
        uint256 day = _requireNotMatured(billId, bill);

        uint256 price = 0;
        if (kind == TransferKind.DISCOUNT) {
            price = _discountPrice(amount, rateMicros, uint256(bill.maturityDay) - day + adjustDays);
        }
        uint256 splitAt = start + amount;
        if (splitAt <= end) {
            if (bill.rangeCount >= MAX_RANGES_PER_BILL) revert BillTooManyRanges(billId, MAX_RANGES_PER_BILL);
            ++bill.rangeCount;
            _ranges[billId].split(range, splitAt, end);
            emit RangeSplit(billId, start, splitAt, end);
        }
        transferId = _openTransfer(billId, start, range, RangeState.HELD, counterparty.code, kind, price);
        emit TransferRequested(
            transferId,
            billId,
            uint8(kind),
            _msgSender(),
            to,
            start,
            splitAt - 1,
            price,
            rateMicros,
            adjustDays,
            documentHash
        );
        if (documentHash != bytes32(0)) _anchorForTransfer(documentHash, billId, transferId);
    }
    // solhint-enable function-max-lines

    /// @dev Locks the range under a new pending transfer. `priorState` is the range's state, which the caller has
    ///      checked (HELD for a request to move it): what a rejection or a revocation puts back.
    function _openTransfer(
        uint256 billId,
        uint256 start,
        Range storage range,
        RangeState priorState,
        uint32 to,
        TransferKind kind,
        uint256 price
    ) private returns (uint256 transferId) {
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
            priorState: priorState
        });
        range.state = RangeState.LOCKED;
    }

    /// @dev Loads a pending transfer for its counterparty (`asCounterparty`) or its initiator, in API check order.
    function _pendingTransfer(
        uint256 transferId,
        uint8 roles,
        bool asCounterparty
    )
        private
        view
        returns (Transfer storage t, Bill storage bill, Range storage range, IParticipantRegistry.Member memory caller)
    {
        t = _transfer(transferId);
        uint256 billId = t.billId;
        bill = _bills[billId];
        range = _ranges[billId][t.start];
        caller = _actor(roles);
        uint32 initiator = t.kind == TransferKind.RECOURSE ? _claimant(range) : range.holder;
        uint32 party = asCounterparty ? t.to : initiator;
        if (caller.code != party) revert BillNotParty(billId, _msgSender());
        if (t.status != TransferStatus.PENDING) revert TransferInvalidState(transferId, uint8(t.status));
        if (bill.frozen) revert BillFrozen(billId);
        if (range.frozen) revert RangeFrozen(billId, t.start);
        _requireActive(caller, _msgSender());
    }

    /// @dev A rejected or revoked transfer: the range back in its state before; a HELD range merges with
    ///      the range after it when they are alike (same holder and chain, nothing on either), so that
    ///      requesting and withdrawing a split does not fragment the bill; the transfer's document is freed.
    function _unwind(uint256 transferId, Transfer storage t, Bill storage bill, Range storage range) private {
        uint256 billId = t.billId;
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

    /// @dev What `rangeOf` and `rangesOf` answer for the range at `start`.
    function _rangeView(uint256 start, Range storage range) private view returns (RangeView memory) {
        return
            RangeView({
                start: start,
                end: range.end,
                holder: _registry.accountOf(range.holder),
                state: uint8(range.state),
                frozen: range.frozen,
                late: range.late,
                pledgee: _registry.accountOf(range.pledgee),
                presentedAt: range.presentedAt
            });
    }

    /// @dev Who may claim recourse on a range: its pledgee while it is pledged (DOMAIN.md), else its holder.
    function _claimant(Range storage range) private view returns (uint32) {
        uint32 pledgee = range.pledgee;
        return pledgee != 0 ? pledgee : range.holder;
    }

    function _present(uint256 billId, uint256 start, Range storage range, Bill storage bill, uint256 day) private {
        bool late = day >= uint256(bill.maturityDay) + TIMELY_PRESENTMENT_DAYS;
        range.state = RangeState.PRESENTED;
        range.late = late;
        range.presentedAt = uint32(block.timestamp);
        emit RangePresented(billId, start, range.end, _msgSender(), late);
    }

    /// @dev pay or dishonour every PRESENTED range of the bill, all or nothing (a frozen one fails the whole).
    function _answerAll(uint256 billId, Bill storage bill, bool paying, string calldata reason) private {
        uint256 count = 0;
        uint256 amount = bill.amount;
        mapping(uint256 => Range) storage ranges = _ranges[billId];
        for (uint256 start = RangeBook.FIRST; start != 0;) {
            (Range storage range, uint256 following) = ranges.step(start, amount);
            if (range.state == RangeState.PRESENTED) {
                if (range.frozen) revert RangeFrozen(billId, start);
                if (paying) _pay(billId, bill, start, range);
                else _dishonor(billId, start, range, reason);
                ++count;
            }
            start = following;
        }
        if (count == 0) revert RangeNoneEligible(billId, _msgSender());
    }

    function _pay(uint256 billId, Bill storage bill, uint256 start, Range storage range) private {
        uint32 payeeCode = range.pledgee != 0 ? range.pledgee : range.holder;
        address payee = _registry.accountOf(payeeCode);
        _requireActive(_registry.membershipOf(payee), payee);
        uint256 amount = uint256(range.end) - start + 1;
        range.state = RangeState.PAID;
        emit RangePaid(billId, start, range.end, _msgSender(), payee);
        _cash.settle(_msgSender(), payee, amount);
        _addPaid(billId, bill, amount);
    }

    function _dishonor(uint256 billId, uint256 start, Range storage range, string calldata reason) private {
        range.state = RangeState.DISHONORED;
        emit RangeDishonored(billId, start, range.end, _msgSender(), reason);
    }

    function _addPaid(uint256 billId, Bill storage bill, uint256 amount) private {
        uint40 paid = bill.paidAmount + uint40(amount);
        bill.paidAmount = paid;
        if (paid == bill.amount) {
            bill.status = BillStatus.SETTLED;
            emit BillSettled(billId);
        }
    }

    /// @dev The acceptor acting on its bill: 404, 403 and NOT_PARTY checks (the caller runs the 422/409 ones).
    function _acceptor(
        uint256 billId,
        uint8 roles
    ) private view returns (Bill storage bill, IParticipantRegistry.Member memory caller) {
        bill = _bill(billId);
        caller = _actor(roles);
        if (caller.code != bill.acceptor) revert BillNotParty(billId, _msgSender());
    }

    function _setFrozen(uint256 billId, uint256 start, bool frozen) private {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(frozen ? Operation.FREEZE : Operation.UNFREEZE));
        if (start == 0) {
            _requireActive(caller, _msgSender());
            if (bill.frozen == frozen) revert FreezeUnchanged(billId, 0, frozen);
            bill.frozen = frozen;
        } else {
            Range storage range = _range(billId, start);
            _requireActive(caller, _msgSender());
            if (range.frozen == frozen) revert FreezeUnchanged(billId, start, frozen);
            range.frozen = frozen;
        }
        emit FreezeChanged(billId, start, frozen, _msgSender());
    }

    /// @dev Recourse liability: drawer and acceptor always; after a timely presentment also every
    ///      participant strictly earlier in the chain than the holder's first appearance.
    function _isLiable(Bill storage bill, Range storage range, uint32 target) private view returns (bool) {
        if (target == bill.drawer || target == bill.acceptor) return true;
        if (range.late) return false;
        return _transfers.precedes(range.chainHead, bill.payee, range.holder, target);
    }

    function _touchesAnyRange(uint256 billId, Bill storage bill, uint32 code) private view returns (bool) {
        mapping(uint256 => Range) storage ranges = _ranges[billId];
        uint256 amount = bill.amount;
        for (uint256 start = ranges.first(); start != 0;) {
            Range storage range = ranges[start];
            if (range.holder == code || range.pledgee == code) return true;
            start = range.next(amount);
        }
        return false;
    }

    /// @dev The caller's member record, if its role is one of `roles` (rolesFor(operation)); else FORBIDDEN.
    function _actor(uint8 roles) private view returns (IParticipantRegistry.Member memory caller) {
        caller = _registry.membershipOf(_msgSender());
        if (!_hasRole(caller, roles)) revert BillRoleForbidden(_msgSender(), caller.role);
    }

    function _bill(uint256 billId) private view returns (Bill storage bill) {
        bill = _bills[billId];
        if (bill.status == BillStatus.NONE) revert BillNotFound(billId);
    }

    function _range(uint256 billId, uint256 start) private view returns (Range storage range) {
        range = _ranges[billId][start];
        if (range.state == RangeState.NONE) revert RangeNotFound(billId, start);
    }

    function _transfer(uint256 transferId) private view returns (Transfer storage t) {
        t = _transfers[transferId];
        if (t.status == TransferStatus.NONE) revert TransferNotFound(transferId);
    }

    /// @dev Bill-level 409 checks in API order: frozen bill, frozen caller, then the status (NONE: never allowed).
    function _requireBillOpen(
        uint256 billId,
        Bill storage bill,
        IParticipantRegistry.Member memory caller,
        BillStatus expected
    ) private view {
        if (bill.frozen) revert BillFrozen(billId);
        _requireActive(caller, _msgSender());
        if (expected == BillStatus.NONE || bill.status != expected) revert BillInvalidState(billId, uint8(bill.status));
    }

    function _requireRangeFree(
        uint256 billId,
        Bill storage bill,
        uint256 start,
        Range storage range,
        IParticipantRegistry.Member memory caller
    ) private view {
        _requireBillOpen(billId, bill, caller, BillStatus.CIRCULATING);
        if (range.frozen) revert RangeFrozen(billId, start);
    }

    function _requireRangePresented(uint256 billId, uint256 start, Range storage range) private view {
        if (range.frozen) revert RangeFrozen(billId, start);
        if (range.state != RangeState.PRESENTED) revert RangeInvalidState(billId, start, uint8(range.state));
    }

    function _requireNotMatured(uint256 billId, Bill storage bill) private view returns (uint256 day) {
        day = _today();
        if (day >= bill.maturityDay) revert BillMatured(billId, bill.maturityDay, day);
    }

    function _requireMature(uint256 billId, Bill storage bill) private view returns (uint256 day) {
        day = _today();
        if (day < bill.maturityDay) revert BillNotMature(billId, bill.maturityDay, day);
    }

    function _requireReason(string calldata reason) private pure {
        uint256 length = bytes(reason).length;
        if (length == 0 || length > MAX_REASON_BYTES) revert DishonorInvalidReason(length);
    }

    /// @dev FROZEN is PARTICIPANT_FROZEN; PENDING (a REGULATOR not yet approved) is FORBIDDEN: it acts in nothing.
    function _requireActive(IParticipantRegistry.Member memory m, address account) private pure {
        if (m.status != uint8(MemberStatus.ACTIVE)) {
            if (m.status == uint8(MemberStatus.PENDING)) revert ParticipantPending(account);
            revert ParticipantFrozen(account);
        }
    }

    function _hasRole(IParticipantRegistry.Member memory m, uint8 roles) private pure returns (bool) {
        return m.code != 0 && (roles & (uint8(1) << m.role)) != 0;
    }

    function _today() private view returns (uint256) {
        return _dayOf(block.timestamp);
    }

    /// @dev DOMAIN.md's discount price: amount - round_half_up(amount * rate * days / 360), rate in millionths.
    function _discountPrice(uint256 amount, uint256 rateMicros, uint256 days_) private pure returns (uint256) {
        uint256 numerator = amount * rateMicros * days_;
        uint256 denominator = 360 * RATE_ONE;
        return amount - (2 * numerator + denominator) / (2 * denominator);
    }

    function _dayOf(uint256 timestamp) private pure returns (uint256) {
        return (timestamp + SHANGHAI_OFFSET) / 1 days;
    }
}
