// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IBillRegistry} from "./interfaces/IBillRegistry.sol";
import {IDigitalCash} from "./interfaces/IDigitalCash.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";

/// @title The bill registry of billchain.
/// @dev Storage is packed to one slot per bill, range and transfer: participants are
///      referred to by their uint32 member code, amounts (<= 1e11 fen) fit uint40.
///      A range's endorsement chain is a persistent linked list: each signed ENDORSE or
///      DISCOUNT transfer is a node (its `to` and `parent`), so a split range shares its
///      parent's chain without copying it. Node 0 is the root: the bill's payee.
contract BillRegistry is IBillRegistry {
    // Participant roles and statuses (the registry's).
    uint8 private constant BANK = 1;
    uint8 private constant ENTERPRISE = 2;
    uint8 private constant REGULATOR = 3;
    uint8 private constant ACTIVE = 1;
    uint8 private constant ROLE_BANK = uint8(1) << BANK;
    uint8 private constant ROLE_ENTERPRISE = uint8(1) << ENTERPRISE;
    uint8 private constant ROLE_REGULATOR = uint8(1) << REGULATOR;
    uint8 private constant ROLE_HOLDER = ROLE_BANK | ROLE_ENTERPRISE;

    // Bill kinds and statuses.
    uint8 private constant BANK_ACCEPTANCE = 1;
    uint8 private constant COMMERCIAL_ACCEPTANCE = 2;
    uint8 private constant SUPPLY_CHAIN = 3;
    uint8 private constant ISSUED = 1;
    uint8 private constant ACCEPTED = 2;
    uint8 private constant CIRCULATING = 3;
    uint8 private constant SETTLED = 4;
    uint8 private constant REJECTED = 5;
    uint8 private constant CANCELLED = 6;

    // Range states.
    uint8 private constant HELD = 1;
    uint8 private constant LOCKED = 2;
    uint8 private constant PLEDGED = 3;
    uint8 private constant PRESENTED = 4;
    uint8 private constant PAID = 5;
    uint8 private constant DISHONORED = 6;

    // Transfer kinds and statuses.
    uint8 private constant ENDORSE = 1;
    uint8 private constant DISCOUNT = 2;
    uint8 private constant PLEDGE = 3;
    uint8 private constant RECOURSE = 4;
    uint8 private constant PENDING = 1;
    uint8 private constant SIGNED = 2;
    uint8 private constant TRANSFER_REJECTED = 3;
    uint8 private constant REVOKED = 4;

    uint256 private constant MAX_AMOUNT = 100_000_000_000; // 1,000,000,000.00 yuan in fen
    uint256 private constant MAX_TENOR_DAYS = 184;
    uint256 private constant TIMELY_PRESENTMENT_DAYS = 10;
    uint256 private constant UNANSWERED_DAYS = 3;
    uint256 private constant MAX_ADJUST_DAYS = 3;
    uint256 private constant RATE_ONE = 1_000_000;
    uint256 private constant MAX_REASON_BYTES = 800;
    uint256 private constant SHANGHAI_OFFSET = 8 hours;

    struct Bill {
        uint32 drawer;
        uint32 acceptor;
        uint32 payee;
        uint40 amount;
        uint40 paidAmount;
        uint24 issueDay;
        uint24 maturityDay;
        uint8 kind;
        uint8 status;
        bool transferable;
        bool frozen;
    }

    struct Range {
        uint40 end;
        uint32 holder;
        uint8 state;
        bool frozen;
        bool late;
        uint32 chainHead;
        uint32 pledgee;
        uint32 presentedAt;
    }

    struct Transfer {
        uint32 to;
        uint32 billId;
        uint40 start;
        uint40 end;
        uint40 price;
        uint32 parent;
        uint8 kind;
        uint8 status;
        uint8 priorState;
    }

    IParticipantRegistry private immutable _registry;
    IDigitalCash private immutable _cash;

    uint32 private _billCount;
    uint32 private _transferCount;
    mapping(uint256 billId => Bill) private _bills;
    mapping(uint256 billId => mapping(uint256 start => Range)) private _ranges;
    mapping(uint256 transferId => Transfer) private _transfers;
    mapping(uint256 billId => bytes32) private _billDocuments;
    mapping(uint256 transferId => bytes32) private _transferDocuments;
    mapping(bytes32 documentHash => bool) private _anchored;

    constructor(IParticipantRegistry registry, IDigitalCash cash) {
        _registry = registry;
        _cash = cash;
    }

    // ---------------------------------------------------------------- bill

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
        IParticipantRegistry.Member memory drawer = _actor(ROLE_ENTERPRISE);
        if (kind < BANK_ACCEPTANCE || kind > SUPPLY_CHAIN) revert BillInvalidKind(kind);
        if (amount == 0 || amount > MAX_AMOUNT) revert BillInvalidAmount(amount);
        uint256 day = _today();
        if (maturityDay <= day || maturityDay - day > MAX_TENOR_DAYS) revert BillInvalidMaturity(day, maturityDay);
        if (kind == SUPPLY_CHAIN && documentHash == bytes32(0)) revert BillDocumentRequired();

        IParticipantRegistry.Member memory acc = _registry.member(acceptor);
        uint8 acceptorRoles = kind == BANK_ACCEPTANCE
            ? ROLE_BANK
            : (kind == COMMERCIAL_ACCEPTANCE ? ROLE_ENTERPRISE : ROLE_HOLDER);
        if (!_hasRole(acc, acceptorRoles)) revert BillInvalidCounterparty(acceptor);
        IParticipantRegistry.Member memory payeeMember = _registry.member(payee);
        if (!_hasRole(payeeMember, ROLE_ENTERPRISE) || payee == msg.sender) revert BillInvalidCounterparty(payee);

        _requireActive(drawer, msg.sender);
        _requireActive(acc, acceptor);
        _requireActive(payeeMember, payee);

        billId = ++_billCount;
        bool selfAccepted = acceptor == msg.sender;
        _bills[billId] = Bill({
            drawer: drawer.code,
            acceptor: acc.code,
            payee: payeeMember.code,
            amount: uint40(amount),
            paidAmount: 0,
            issueDay: uint24(day),
            maturityDay: uint24(maturityDay),
            kind: kind,
            status: selfAccepted ? ACCEPTED : ISSUED,
            transferable: transferable,
            frozen: false
        });
        emit BillIssued(
            billId, msg.sender, acceptor, payee, kind, amount, day, maturityDay, transferable, documentHash
        );
        if (documentHash != bytes32(0)) {
            _anchor(documentHash, billId, 0);
            _billDocuments[billId] = documentHash;
        }
        if (selfAccepted) emit BillAccepted(billId, acceptor);
    }

    /// @inheritdoc IBillRegistry
    function accept(uint256 billId) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(ROLE_HOLDER);
        if (caller.code != bill.acceptor) revert BillNotParty(billId, msg.sender);
        _requireBillOpen(billId, bill, caller, ISSUED);
        bill.status = ACCEPTED;
        emit BillAccepted(billId, msg.sender);
    }

    /// @inheritdoc IBillRegistry
    function reject(uint256 billId) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(ROLE_HOLDER);
        bool asAcceptor = caller.code == bill.acceptor;
        bool asPayee = caller.code == bill.payee;
        if (!asAcceptor && !asPayee) revert BillNotParty(billId, msg.sender);
        uint8 status = bill.status;
        bool allowed = (asAcceptor && status == ISSUED) || (asPayee && status == ACCEPTED);
        _requireBillOpen(billId, bill, caller, allowed ? status : 0);
        bill.status = REJECTED;
        emit BillRejected(billId, msg.sender);
    }

    /// @inheritdoc IBillRegistry
    function receiveBill(uint256 billId) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(ROLE_ENTERPRISE);
        if (caller.code != bill.payee) revert BillNotParty(billId, msg.sender);
        _requireBillOpen(billId, bill, caller, ACCEPTED);
        bill.status = CIRCULATING;
        uint40 amount = bill.amount;
        _ranges[billId][1] = Range({
            end: amount,
            holder: caller.code,
            state: HELD,
            frozen: false,
            late: false,
            chainHead: 0,
            pledgee: 0,
            presentedAt: 0
        });
        emit BillReceived(billId, msg.sender, 1, amount);
    }

    /// @inheritdoc IBillRegistry
    function cancel(uint256 billId) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(ROLE_ENTERPRISE);
        if (caller.code != bill.drawer) revert BillNotParty(billId, msg.sender);
        uint8 status = bill.status;
        _requireBillOpen(billId, bill, caller, status == ISSUED || status == ACCEPTED ? status : 0);
        bill.status = CANCELLED;
        emit BillCancelled(billId, msg.sender);
    }

    // ----------------------------------------------------------- transfers

    /// @inheritdoc IBillRegistry
    function endorse(uint256 billId, uint256 start, uint256 amount, address to, bytes32 documentHash)
        external
        returns (uint256 transferId)
    {
        return _requestMove(billId, start, amount, to, ROLE_ENTERPRISE, ROLE_HOLDER, ENDORSE, 0, 0, documentHash);
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
        return _requestMove(billId, start, amount, bank, ROLE_HOLDER, ROLE_BANK, DISCOUNT, rateMicros, adjustDays, documentHash);
    }

    /// @inheritdoc IBillRegistry
    function pledge(uint256 billId, uint256 start, uint256 amount, address bank) external returns (uint256 transferId) {
        return _requestMove(billId, start, amount, bank, ROLE_ENTERPRISE, ROLE_BANK, PLEDGE, 0, 0, bytes32(0));
    }

    /// @inheritdoc IBillRegistry
    function recourse(uint256 billId, uint256 start, address against) external returns (uint256 transferId) {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(ROLE_HOLDER);
        Range storage range = _range(billId, start);
        if (range.holder != caller.code) revert BillNotParty(billId, msg.sender);
        IParticipantRegistry.Member memory target = _registry.member(against);
        if (!_hasRole(target, ROLE_HOLDER) || against == msg.sender) revert BillInvalidCounterparty(against);
        _requireRangeFree(billId, bill, start, range, caller);
        _requireActive(target, against);
        uint8 state = range.state;
        if (state == PRESENTED) {
            uint256 presentedDay = _dayOf(range.presentedAt);
            uint256 day = _today();
            if (day < presentedDay + UNANSWERED_DAYS) revert RecourseTooEarly(billId, start, presentedDay, day);
        } else if (state != DISHONORED) {
            revert RangeInvalidState(billId, start, state);
        }
        if (!_isLiable(bill, range, target.code)) revert RecourseInvalidTarget(billId, start, against);
        uint256 price = uint256(range.end) - start + 1;
        transferId = _openTransfer(billId, start, range, target.code, RECOURSE, price);
        emit TransferRequested(transferId, billId, RECOURSE, msg.sender, against, start, range.end, price, 0, 0, 0);
    }

    /// @inheritdoc IBillRegistry
    function sign(uint256 transferId) external {
        (Transfer storage t, Bill storage bill, Range storage range, IParticipantRegistry.Member memory caller) =
            _pendingTransfer(transferId, true);
        uint256 billId = t.billId;
        uint8 kind = t.kind;
        if (kind != RECOURSE) _requireNotMatured(billId, bill);
        address holder = _registry.accountOf(range.holder);
        _requireActive(_registry.member(holder), holder);
        t.status = SIGNED;
        emit TransferSigned(transferId, billId, msg.sender);
        if (kind == PLEDGE) {
            range.state = PLEDGED;
            range.pledgee = caller.code;
            return;
        }
        if (kind == RECOURSE) {
            _cash.settle(msg.sender, holder, t.price);
            if (caller.code == bill.acceptor) {
                range.state = PAID;
                range.pledgee = 0;
                emit RangePaid(billId, t.start, t.end, msg.sender, holder);
                _addPaid(billId, bill, uint256(t.end) - t.start + 1);
            } else {
                range.holder = caller.code;
                range.state = DISHONORED;
                range.pledgee = 0;
            }
            return;
        }
        if (kind == DISCOUNT) _cash.settle(msg.sender, holder, t.price);
        range.holder = caller.code;
        range.state = HELD;
        range.chainHead = uint32(transferId);
    }

    /// @inheritdoc IBillRegistry
    function rejectTransfer(uint256 transferId) external {
        (Transfer storage t,, Range storage range,) = _pendingTransfer(transferId, true);
        t.status = TRANSFER_REJECTED;
        _unwind(transferId, t, range);
        emit TransferRejected(transferId, t.billId, msg.sender);
    }

    /// @inheritdoc IBillRegistry
    function revoke(uint256 transferId) external {
        (Transfer storage t,, Range storage range,) = _pendingTransfer(transferId, false);
        t.status = REVOKED;
        _unwind(transferId, t, range);
        emit TransferRevoked(transferId, t.billId, msg.sender);
    }

    // --------------------------------------------------- pledge, maturity

    /// @inheritdoc IBillRegistry
    function release(uint256 billId, uint256 start) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(ROLE_BANK);
        Range storage range = _range(billId, start);
        if (range.pledgee != caller.code) revert BillNotParty(billId, msg.sender);
        _requireRangeIn(billId, bill, start, range, caller, PLEDGED);
        range.state = HELD;
        range.pledgee = 0;
        emit PledgeReleased(billId, start, msg.sender);
    }

    /// @inheritdoc IBillRegistry
    function present(uint256 billId, uint256 start) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(ROLE_HOLDER);
        Range storage range = _range(billId, start);
        bool pledgee = range.pledgee == caller.code && range.state == PLEDGED;
        if (range.holder != caller.code && !pledgee) revert BillNotParty(billId, msg.sender);
        _requireBillOpen(billId, bill, caller, CIRCULATING);
        if (range.frozen) revert RangeFrozen(billId, start);
        if (range.state != HELD && range.state != PLEDGED) revert RangeInvalidState(billId, start, range.state);
        uint256 day = _requireMature(billId, bill);
        _present(billId, start, range, bill, day);
    }

    /// @inheritdoc IBillRegistry
    function presentAll(uint256 billId) external {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(ROLE_HOLDER);
        if (!_touchesAnyRange(billId, bill, caller.code)) revert BillNotParty(billId, msg.sender);
        _requireBillOpen(billId, bill, caller, CIRCULATING);
        uint256 day = _requireMature(billId, bill);
        uint256 count = 0;
        for (uint256 start = 1; start <= bill.amount;) {
            Range storage range = _ranges[billId][start];
            uint256 next = uint256(range.end) + 1;
            bool mine = range.holder == caller.code || (range.pledgee == caller.code && range.state == PLEDGED);
            if (mine && !range.frozen && (range.state == HELD || range.state == PLEDGED)) {
                _present(billId, start, range, bill, day);
                ++count;
            }
            start = next;
        }
        if (count == 0) revert RangeNoneEligible(billId, msg.sender);
    }

    /// @inheritdoc IBillRegistry
    function pay(uint256 billId, uint256 start) external {
        (Bill storage bill, IParticipantRegistry.Member memory caller) = _acceptor(billId);
        Range storage range = _range(billId, start);
        _requireBillOpen(billId, bill, caller, CIRCULATING);
        _requireRangePresented(billId, start, range);
        _pay(billId, bill, start, range);
    }

    /// @inheritdoc IBillRegistry
    function payAll(uint256 billId) external {
        (Bill storage bill, IParticipantRegistry.Member memory caller) = _acceptor(billId);
        _requireBillOpen(billId, bill, caller, CIRCULATING);
        uint256 count = 0;
        for (uint256 start = 1; start <= bill.amount;) {
            Range storage range = _ranges[billId][start];
            uint256 next = uint256(range.end) + 1;
            if (range.state == PRESENTED) {
                if (range.frozen) revert RangeFrozen(billId, start);
                _pay(billId, bill, start, range);
                ++count;
            }
            start = next;
        }
        if (count == 0) revert RangeNoneEligible(billId, msg.sender);
    }

    /// @inheritdoc IBillRegistry
    function dishonor(uint256 billId, uint256 start, string calldata reason) external {
        (Bill storage bill, IParticipantRegistry.Member memory caller) = _acceptor(billId);
        Range storage range = _range(billId, start);
        _requireReason(reason);
        _requireBillOpen(billId, bill, caller, CIRCULATING);
        _requireRangePresented(billId, start, range);
        _dishonor(billId, start, range, reason);
    }

    /// @inheritdoc IBillRegistry
    function dishonorAll(uint256 billId, string calldata reason) external {
        (Bill storage bill, IParticipantRegistry.Member memory caller) = _acceptor(billId);
        _requireReason(reason);
        _requireBillOpen(billId, bill, caller, CIRCULATING);
        uint256 count = 0;
        for (uint256 start = 1; start <= bill.amount;) {
            Range storage range = _ranges[billId][start];
            uint256 next = uint256(range.end) + 1;
            if (range.state == PRESENTED) {
                if (range.frozen) revert RangeFrozen(billId, start);
                _dishonor(billId, start, range, reason);
                ++count;
            }
            start = next;
        }
        if (count == 0) revert RangeNoneEligible(billId, msg.sender);
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
        return BillView({
            kind: bill.kind,
            status: bill.status,
            transferable: bill.transferable,
            frozen: bill.frozen,
            drawer: _registry.accountOf(bill.drawer),
            acceptor: _registry.accountOf(bill.acceptor),
            payee: _registry.accountOf(bill.payee),
            amount: bill.amount,
            paidAmount: bill.paidAmount,
            issueDay: bill.issueDay,
            maturityDay: bill.maturityDay,
            documentHash: _billDocuments[billId]
        });
    }

    /// @inheritdoc IBillRegistry
    function rangeOf(uint256 billId, uint256 start) public view returns (RangeView memory) {
        _bill(billId);
        Range storage range = _range(billId, start);
        return RangeView({
            start: start,
            end: range.end,
            holder: _registry.accountOf(range.holder),
            state: range.state,
            frozen: range.frozen,
            late: range.late,
            pledgee: _registry.accountOf(range.pledgee),
            presentedAt: range.presentedAt
        });
    }

    /// @inheritdoc IBillRegistry
    function rangesOf(uint256 billId) external view returns (RangeView[] memory ranges) {
        Bill storage bill = _bill(billId);
        uint256 count = 0;
        for (uint256 start = 1; start <= bill.amount && _ranges[billId][start].state != 0; ++count) {
            start = uint256(_ranges[billId][start].end) + 1;
        }
        ranges = new RangeView[](count);
        uint256 start = 1;
        for (uint256 i = 0; i < count; ++i) {
            ranges[i] = rangeOf(billId, start);
            start = ranges[i].end + 1;
        }
    }

    /// @inheritdoc IBillRegistry
    function transferOf(uint256 transferId) external view returns (TransferView memory) {
        Transfer storage t = _transfer(transferId);
        return TransferView({
            billId: t.billId,
            start: t.start,
            end: t.end,
            kind: t.kind,
            status: t.status,
            priorState: t.priorState,
            to: _registry.accountOf(t.to),
            price: t.price,
            documentHash: _transferDocuments[transferId]
        });
    }

    /// @inheritdoc IBillRegistry
    function endorsementChain(uint256 billId, uint256 start) external view returns (address[] memory chain) {
        Bill storage bill = _bill(billId);
        Range storage range = _range(billId, start);
        uint256 length = 1;
        for (uint256 node = range.chainHead; node != 0; node = _transfers[node].parent) ++length;
        chain = new address[](length);
        chain[0] = _registry.accountOf(bill.payee);
        uint256 i = length;
        for (uint256 node = range.chainHead; node != 0; node = _transfers[node].parent) {
            chain[--i] = _registry.accountOf(_transfers[node].to);
        }
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
    function isDocumentAnchored(bytes32 documentHash) external view returns (bool) {
        return _anchored[documentHash];
    }

    /// @inheritdoc IBillRegistry
    function today() external view returns (uint256) {
        return _today();
    }

    // ------------------------------------------------------------ helpers

    /// @dev Endorse, discount and pledge: split off `amount` fen and lock it under a pending transfer.
    function _requestMove(
        uint256 billId,
        uint256 start,
        uint256 amount,
        address to,
        uint8 callerRoles,
        uint8 counterpartyRoles,
        uint8 kind,
        uint256 rateMicros,
        uint256 adjustDays,
        bytes32 documentHash
    ) private returns (uint256 transferId) {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(callerRoles);
        Range storage range = _range(billId, start);
        if (range.holder != caller.code) revert BillNotParty(billId, msg.sender);
        uint256 end = range.end;
        if (amount == 0 || amount > end - start + 1) revert RangeInvalidAmount(billId, start, amount);
        if (kind == DISCOUNT) {
            if (rateMicros >= RATE_ONE) revert DiscountInvalidRate(rateMicros);
            if (adjustDays > MAX_ADJUST_DAYS) revert DiscountInvalidAdjustDays(adjustDays);
        }
        IParticipantRegistry.Member memory counterparty = _registry.member(to);
        if (!_hasRole(counterparty, counterpartyRoles) || to == msg.sender) revert BillInvalidCounterparty(to);
        _requireRangeFree(billId, bill, start, range, caller);
        _requireActive(counterparty, to);
        if (!bill.transferable) revert BillNotTransferable(billId);
        if (range.state != HELD) revert RangeInvalidState(billId, start, range.state);
        uint256 day = _requireNotMatured(billId, bill);

        uint256 price = 0;
        if (kind == DISCOUNT) {
            uint256 days_ = uint256(bill.maturityDay) - day + adjustDays;
            uint256 numerator = amount * rateMicros * days_;
            uint256 denominator = 360 * RATE_ONE;
            price = amount - (2 * numerator + denominator) / (2 * denominator);
        }
        uint256 splitAt = start + amount;
        if (splitAt <= end) {
            _ranges[billId][splitAt] = Range({
                end: uint40(end),
                holder: range.holder,
                state: HELD,
                frozen: false,
                late: false,
                chainHead: range.chainHead,
                pledgee: 0,
                presentedAt: 0
            });
            range.end = uint40(splitAt - 1);
            emit RangeSplit(billId, start, splitAt, end);
        }
        transferId = _openTransfer(billId, start, range, counterparty.code, kind, price);
        emit TransferRequested(
            transferId, billId, kind, msg.sender, to, start, splitAt - 1, price, rateMicros, adjustDays, documentHash
        );
        if (documentHash != bytes32(0)) {
            _anchor(documentHash, billId, transferId);
            _transferDocuments[transferId] = documentHash;
        }
    }

    function _openTransfer(uint256 billId, uint256 start, Range storage range, uint32 to, uint8 kind, uint256 price)
        private
        returns (uint256 transferId)
    {
        transferId = ++_transferCount;
        _transfers[transferId] = Transfer({
            to: to,
            billId: uint32(billId),
            start: uint40(start),
            end: range.end,
            price: uint40(price),
            parent: range.chainHead,
            kind: kind,
            status: PENDING,
            priorState: range.state
        });
        range.state = LOCKED;
    }

    /// @dev Loads a pending transfer for its counterparty (`asCounterparty`) or its initiator, in API check order.
    function _pendingTransfer(uint256 transferId, bool asCounterparty)
        private
        view
        returns (Transfer storage t, Bill storage bill, Range storage range, IParticipantRegistry.Member memory caller)
    {
        t = _transfer(transferId);
        uint256 billId = t.billId;
        bill = _bills[billId];
        range = _ranges[billId][t.start];
        caller = _actor(ROLE_HOLDER);
        uint32 party = asCounterparty ? t.to : range.holder;
        if (caller.code != party) revert BillNotParty(billId, msg.sender);
        if (t.status != PENDING) revert TransferInvalidState(transferId, t.status);
        if (bill.frozen) revert BillFrozen(billId);
        if (range.frozen) revert RangeFrozen(billId, t.start);
        _requireActive(caller, msg.sender);
    }

    function _unwind(uint256 transferId, Transfer storage t, Range storage range) private {
        range.state = t.priorState;
        bytes32 documentHash = _transferDocuments[transferId];
        if (documentHash != bytes32(0)) {
            delete _anchored[documentHash];
            delete _transferDocuments[transferId];
            emit DocumentReleased(documentHash, t.billId, transferId);
        }
    }

    function _present(uint256 billId, uint256 start, Range storage range, Bill storage bill, uint256 day) private {
        bool late = day >= uint256(bill.maturityDay) + TIMELY_PRESENTMENT_DAYS;
        range.state = PRESENTED;
        range.late = late;
        range.presentedAt = uint32(block.timestamp);
        emit RangePresented(billId, start, range.end, msg.sender, late);
    }

    function _pay(uint256 billId, Bill storage bill, uint256 start, Range storage range) private {
        uint32 payeeCode = range.pledgee != 0 ? range.pledgee : range.holder;
        address payee = _registry.accountOf(payeeCode);
        _requireActive(_registry.member(payee), payee);
        uint256 amount = uint256(range.end) - start + 1;
        range.state = PAID;
        emit RangePaid(billId, start, range.end, msg.sender, payee);
        _cash.settle(msg.sender, payee, amount);
        _addPaid(billId, bill, amount);
    }

    function _dishonor(uint256 billId, uint256 start, Range storage range, string calldata reason) private {
        range.state = DISHONORED;
        emit RangeDishonored(billId, start, range.end, msg.sender, reason);
    }

    function _addPaid(uint256 billId, Bill storage bill, uint256 amount) private {
        uint40 paid = bill.paidAmount + uint40(amount);
        bill.paidAmount = paid;
        if (paid == bill.amount) {
            bill.status = SETTLED;
            emit BillSettled(billId);
        }
    }

    /// @dev The acceptor acting on its bill: 404, 403 and NOT_PARTY checks (the caller runs the 422/409 ones).
    function _acceptor(uint256 billId) private view returns (Bill storage bill, IParticipantRegistry.Member memory caller) {
        bill = _bill(billId);
        caller = _actor(ROLE_HOLDER);
        if (caller.code != bill.acceptor) revert BillNotParty(billId, msg.sender);
    }

    function _setFrozen(uint256 billId, uint256 start, bool frozen) private {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(ROLE_REGULATOR);
        if (start == 0) {
            _requireActive(caller, msg.sender);
            if (bill.frozen == frozen) revert FreezeUnchanged(billId, 0, frozen);
            bill.frozen = frozen;
        } else {
            Range storage range = _range(billId, start);
            _requireActive(caller, msg.sender);
            if (range.frozen == frozen) revert FreezeUnchanged(billId, start, frozen);
            range.frozen = frozen;
        }
        emit FreezeChanged(billId, start, frozen, msg.sender);
    }

    /// @dev Recourse liability: drawer and acceptor always; after a timely presentment also every
    ///      participant strictly earlier in the chain than the holder's first appearance.
    function _isLiable(Bill storage bill, Range storage range, uint32 target) private view returns (bool) {
        if (target == bill.drawer || target == bill.acceptor) return true;
        if (range.late) return false;
        uint32 holder = range.holder;
        bool holderSeen = false;
        bool liable = false;
        // Walk from the newest node back to the root; the last holder node met is its first appearance.
        // Member codes and node ids are identities, not balances: strict equality is the point.
        // slither-disable-next-line incorrect-equality
        for (uint256 node = range.chainHead; ; node = _transfers[node].parent) {
            // slither-disable-next-line incorrect-equality
            uint32 who = node == 0 ? bill.payee : _transfers[node].to;
            // slither-disable-next-line incorrect-equality
            if (who == holder) {
                holderSeen = true;
                liable = false;
            // slither-disable-next-line incorrect-equality
            } else if (who == target && holderSeen) {
                liable = true;
            }
            // slither-disable-next-line incorrect-equality
            if (node == 0) break;
        }
        return liable;
    }

    function _touchesAnyRange(uint256 billId, Bill storage bill, uint32 code) private view returns (bool) {
        for (uint256 start = 1; start <= bill.amount;) {
            Range storage range = _ranges[billId][start];
            if (range.state == 0) return false;
            if (range.holder == code || range.pledgee == code) return true;
            start = uint256(range.end) + 1;
        }
        return false;
    }

    function _actor(uint8 roles) private view returns (IParticipantRegistry.Member memory caller) {
        caller = _registry.member(msg.sender);
        if (!_hasRole(caller, roles)) revert BillRoleForbidden(msg.sender, caller.role);
    }

    function _bill(uint256 billId) private view returns (Bill storage bill) {
        bill = _bills[billId];
        if (bill.status == 0) revert BillNotFound(billId);
    }

    function _range(uint256 billId, uint256 start) private view returns (Range storage range) {
        range = _ranges[billId][start];
        if (range.state == 0) revert RangeNotFound(billId, start);
    }

    function _transfer(uint256 transferId) private view returns (Transfer storage t) {
        t = _transfers[transferId];
        if (t.status == 0) revert TransferNotFound(transferId);
    }

    /// @dev Bill-level 409 checks in API order: frozen bill, frozen caller, then the status (0: never allowed).
    function _requireBillOpen(
        uint256 billId,
        Bill storage bill,
        IParticipantRegistry.Member memory caller,
        uint8 expected
    ) private view {
        if (bill.frozen) revert BillFrozen(billId);
        _requireActive(caller, msg.sender);
        if (expected == 0 || bill.status != expected) revert BillInvalidState(billId, bill.status);
    }

    function _requireRangeFree(
        uint256 billId,
        Bill storage bill,
        uint256 start,
        Range storage range,
        IParticipantRegistry.Member memory caller
    ) private view {
        _requireBillOpen(billId, bill, caller, CIRCULATING);
        if (range.frozen) revert RangeFrozen(billId, start);
    }

    function _requireRangeIn(
        uint256 billId,
        Bill storage bill,
        uint256 start,
        Range storage range,
        IParticipantRegistry.Member memory caller,
        uint8 state
    ) private view {
        _requireRangeFree(billId, bill, start, range, caller);
        if (range.state != state) revert RangeInvalidState(billId, start, range.state);
    }

    function _requireRangePresented(uint256 billId, uint256 start, Range storage range) private view {
        if (range.frozen) revert RangeFrozen(billId, start);
        if (range.state != PRESENTED) revert RangeInvalidState(billId, start, range.state);
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

    function _requireActive(IParticipantRegistry.Member memory m, address account) private pure {
        if (m.status != ACTIVE) revert ParticipantFrozen(account);
    }

    function _hasRole(IParticipantRegistry.Member memory m, uint8 roles) private pure returns (bool) {
        return m.code != 0 && (roles & (uint8(1) << m.role)) != 0;
    }

    function _anchor(bytes32 documentHash, uint256 billId, uint256 transferId) private {
        if (_anchored[documentHash]) revert DocumentAlreadyUsed(documentHash);
        _anchored[documentHash] = true;
        emit DocumentAnchored(documentHash, billId, transferId);
    }

    function _today() private view returns (uint256) {
        return _dayOf(block.timestamp);
    }

    function _dayOf(uint256 timestamp) private pure returns (uint256) {
        return (timestamp + SHANGHAI_OFFSET) / 1 days;
    }
}
