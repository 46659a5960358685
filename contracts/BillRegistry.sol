// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BillRegistryBase} from "./BillRegistryBase.sol";
import {BillRegistryExtension} from "./BillRegistryExtension.sol";
import {DigitalCash} from "./DigitalCash.sol";
import {IBillRegistry} from "./interfaces/IBillRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {RangeBook} from "./libraries/RangeBook.sol";
import {Bill, OverdueRecord, Range, Transfer} from "./types/BillRecords.sol";
import {
    BillKind,
    BillStatus,
    Freeze,
    MAX_ADJUST_DAYS,
    MAX_BILL_AMOUNT,
    MAX_REASON_BYTES,
    MAX_TENOR_DAYS,
    Operation,
    ROLES_BANK,
    ROLES_ENTERPRISE,
    ROLES_HOLDER,
    RangeState,
    TransferKind,
    TransferStatus,
    UNANSWERED_DAYS,
    rolesFor
} from "./types/BillTypes.sol";

/// @title The bill registry of billchain: the entry points of every bill operation, in API.md's order of
///        checks (404, 403 role, 403 party, 422, 409). Range bookkeeping lives in RangeBook, the
///        endorsement chain and recourse liability in EndorsementChain, document anchors in DocumentAnchors,
///        storage and the shared checks in BillRegistryBase.
/// @dev Who acts is `_msgSender()`: the caller, or the participant whose signed operation the OperationRelay
///      (the one trusted forwarder, fixed at construction) runs for it (docs/SIGNING.md).
///      The lifecycle runs here; guarantee and seizure requests, judicial freezes and every view run in
///      BillRegistryExtension, which this contract creates and delegates every other call to (its fallback), on
///      this contract's storage: one contract could not hold both (EIP-170's 24,576 bytes). Unlike an
///      upgradeable proxy, the extension is fixed at construction: nobody can change it.
contract BillRegistry is IBillRegistry, BillRegistryBase {
    using RangeBook for mapping(uint256 => Range);
    using RangeBook for Range;

    uint256 private constant TIMELY_PRESENTMENT_DAYS = 10;

    address private immutable _extension;

    /// @dev Creates its digital cash (its first creation: chain/deploy.py predicts the address), whose settler is
    ///      this contract, fixed for good (no role to grant), then its extension, with the same registry, cash and
    ///      relay. `relay` runs signed operations for their signers, here and in the cash.
    constructor(
        IParticipantRegistry registry,
        address relay
    ) BillRegistryBase(registry, new DigitalCash(registry, relay), relay) {
        _extension = address(new BillRegistryExtension(registry, _cash, relay));
    }

    /// @dev Every call this contract does not define runs in the extension, on this contract's storage, with the
    ///      same calldata (so an ERC-2771 signer appended by the relay reaches it). OpenZeppelin's Proxy does the
    ///      same, but its assembly is not marked memory-safe, which would keep the compiler from moving this
    ///      contract's deep stacks to memory; this copy works past the free memory pointer, as memory-safe allows.
    ///      Not payable: nothing here takes ether.
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        address extension = _extension;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let data := mload(0x40)
            calldatacopy(data, 0, calldatasize())
            let ok := delegatecall(gas(), extension, data, calldatasize(), 0, 0)
            returndatacopy(data, 0, returndatasize())
            if iszero(ok) {
                revert(data, returndatasize())
            }
            return(data, returndatasize())
        }
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
        if (selfAccepted) _requireInGoodStanding(billId, acc.code);
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
            freeze: Freeze.NONE,
            rangeCount: 0,
            overdueCounted: false
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
        _requireInGoodStanding(billId, caller.code);
        bill.status = BillStatus.ACCEPTED;
        emit BillAccepted(billId, _msgSender());
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
        Range storage range = _ranges[billId][RangeBook.FIRST]; // a bill received once: its record is empty
        range.end = amount;
        range.holder = caller.code;
        range.state = RangeState.HELD;
        emit BillReceived(billId, _msgSender(), RangeBook.FIRST, amount);
    }

    // ----------------------------------------------------------- transfers

    /// @inheritdoc IBillRegistry
    function endorse(
        uint256 billId,
        uint256 start,
        uint256 amount,
        address to,
        bytes32 documentHash,
        bool restrictive
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
                documentHash,
                restrictive
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
                documentHash,
                false
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
                bytes32(0),
                false
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
        bool unanswered = state == RangeState.PRESENTED;
        if (unanswered) {
            uint256 presentedDay = _dayOf(range.presentedAt);
            uint256 day = _today();
            if (day < presentedDay + UNANSWERED_DAYS) revert RecourseTooEarly(billId, start, presentedDay, day);
        } else if (state != RangeState.DISHONORED) {
            revert RangeInvalidState(billId, start, uint8(state));
        }
        (bool liable, uint16 paysFor) = _isLiable(billId, bill, range, target.code);
        if (!liable) revert RecourseInvalidTarget(billId, start, against);
        range.payerPaysFor = paysFor;
        uint256 price = uint256(range.end) - start + 1;
        transferId = _openTransfer(billId, start, range, state, target.code, TransferKind.RECOURSE, price, false);
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
            0,
            false
        );
        if (unanswered) _countOverdue(billId, bill, _registry.accountOf(bill.acceptor));
    }

    /// @inheritdoc IBillRegistry
    function sign(uint256 transferId) external {
        Transfer storage t = _transfer(transferId);
        TransferKind kind = t.kind;
        (Bill storage bill, Range storage range, IParticipantRegistry.Member memory caller) = _pendingTransfer(
            transferId,
            t,
            rolesFor(Operation.SIGN),
            true
        );
        uint256 billId = t.billId;
        if (kind == TransferKind.GUARANTEE) {
            _completeGuarantee(transferId, t, bill, range);
            return;
        }
        if (kind != TransferKind.RECOURSE) _requireNotMatured(billId, bill);
        if (kind == TransferKind.DISCOUNT || kind == TransferKind.PLEDGE) _requireInGoodStanding(billId, bill.acceptor);
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
                range.paidFor = _paidForWholeBill(billId, bill, range, caller.code);
                range.payerPaysFor = 0;
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
        if (t.restrictive) range.markedChain = true;
    }

    /// @inheritdoc IBillRegistry
    function rejectTransfer(uint256 transferId) external {
        Transfer storage t = _transfer(transferId);
        (Bill storage bill, Range storage range) = _pendingRecords(
            transferId,
            t,
            rolesFor(Operation.REJECT_TRANSFER),
            true
        );
        t.status = TransferStatus.REJECTED;
        emit TransferRejected(transferId, t.billId, _msgSender());
        _unwind(transferId, t, bill, range);
    }

    /// @inheritdoc IBillRegistry
    function revoke(uint256 transferId) external {
        Transfer storage t = _transfer(transferId);
        (Bill storage bill, Range storage range) = _pendingRecords(transferId, t, rolesFor(Operation.REVOKE), false);
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
        if (range.freeze != Freeze.NONE) revert RangeFrozen(billId, start);
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
            bool free = range.freeze == Freeze.NONE;
            if (mine && free && (state == RangeState.HELD || state == RangeState.PLEDGED)) {
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
        _countOverdue(billId, bill, _msgSender());
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
        _countOverdue(billId, bill, _msgSender());
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
    function transferTerms(
        uint256 transferId
    ) external view returns (uint256 billId, uint256 start, uint256 end, uint256 price, uint8 kind) {
        Transfer storage t = _transfer(transferId);
        return (t.billId, t.start, t.end, t.price, uint8(t.kind));
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
        bytes32 documentHash,
        bool restrictive
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
        if (kind != TransferKind.ENDORSE) _requireInGoodStanding(billId, bill.acceptor);

        uint256 price = 0;
        if (kind == TransferKind.DISCOUNT) {
            price = _discountPrice(amount, rateMicros, uint256(bill.maturityDay) - day + adjustDays);
        }
        uint256 last = _splitOff(billId, bill, start, range, amount, end);
        transferId = _openTransfer(billId, start, range, RangeState.HELD, counterparty.code, kind, price, restrictive);
        emit TransferRequested(
            transferId,
            billId,
            uint8(kind),
            _msgSender(),
            to,
            start,
            last,
            price,
            rateMicros,
            adjustDays,
            documentHash,
            restrictive
        );
        if (documentHash != bytes32(0)) _anchorForTransfer(documentHash, billId, transferId);
    }
    // solhint-enable function-max-lines

    /// @dev Loads a pending transfer for its counterparty (`asCounterparty`) or its initiator, in API check order.
    ///      A SEIZURE's range is frozen under its order by design: the freezes do not stop its requester's revoke;
    ///      its counterparty here is nobody (NOT_PARTY): its second party acts through the extension.
    function _pendingTransfer(
        uint256 transferId,
        Transfer storage t,
        uint8 roles,
        bool asCounterparty
    ) private view returns (Bill storage bill, Range storage range, IParticipantRegistry.Member memory caller) {
        uint256 billId = t.billId;
        bill = _bills[billId];
        range = _ranges[billId][t.start];
        caller = _actor(roles);
        // a SEIZURE's second party signs or rejects it through confirmSeizure and rejectSeizure
        uint32 party =
            asCounterparty ? (t.kind == TransferKind.SEIZURE ? 0 : t.to) : _initiatorOf(transferId, t, range);
        if (caller.code != party) revert BillNotParty(billId, _msgSender());
        if (t.status != TransferStatus.PENDING) revert TransferInvalidState(transferId, uint8(t.status));
        if (t.kind != TransferKind.SEIZURE) {
            if (bill.freeze != Freeze.NONE) revert BillFrozen(billId);
            // a guarantee of the whole bill (start 0) names no range: no record to read
            if (t.start != 0 && range.freeze != Freeze.NONE) revert RangeFrozen(billId, t.start);
        }
        _requireActive(caller, _msgSender());
    }

    /// @dev `_pendingTransfer`, for the records alone.
    function _pendingRecords(
        uint256 transferId,
        Transfer storage t,
        uint8 roles,
        bool asCounterparty
    ) private view returns (Bill storage bill, Range storage range) {
        (bill, range, ) = _pendingTransfer(transferId, t, roles, asCounterparty);
    }

    /// @dev A guarantor's signature: of the whole bill, the guarantor is bound for the parties its initiator still
    ///      is (the bill's status may have moved on: INVALID_STATE when it is none); of a holder's range, the range
    ///      is HELD again with the guarantor's node on its chain. Not on a bill a persistently overdue acceptor
    ///      accepted, nor while the party guaranteed is FROZEN.
    function _completeGuarantee(
        uint256 transferId,
        Transfer storage t,
        Bill storage bill,
        Range storage range
    ) private {
        uint256 billId = t.billId;
        if (t.start == 0) {
            uint8 parties = _guaranteedParties(bill, _initiators[transferId]);
            if (parties == 0) revert BillInvalidState(billId, uint8(bill.status));
            _requireAcceptedInGoodStanding(billId, bill);
            address initiator = _registry.accountOf(_initiators[transferId]);
            _requireActive(_registry.membershipOf(initiator), initiator);
            t.status = TransferStatus.SIGNED;
            emit TransferSigned(transferId, billId, _msgSender());
            _billGuarantors[billId][t.to] |= parties;
            return;
        }
        _requireInGoodStanding(billId, bill.acceptor);
        address holder = _registry.accountOf(range.holder);
        _requireActive(_registry.membershipOf(holder), holder);
        t.status = TransferStatus.SIGNED;
        emit TransferSigned(transferId, billId, _msgSender());
        range.state = t.priorState;
        range.chainHead = uint32(transferId);
        range.markedChain = true;
    }

    /// @dev The acceptor's overdue event for the bill, once a bill (DOMAIN.md, "Persistently overdue acceptors"):
    ///      the record keeps its last three event days, newest first.
    function _countOverdue(uint256 billId, Bill storage bill, address acceptor) private {
        if (bill.overdueCounted) return;
        bill.overdueCounted = true;
        OverdueRecord storage record = _overdue[bill.acceptor];
        uint256 day = _today();
        record.third = record.second;
        record.second = record.latest;
        record.latest = uint16(day);
        emit AcceptorOverdue(acceptor, billId, day, _overdueUntil(record));
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
                if (range.freeze != Freeze.NONE) revert RangeFrozen(billId, start);
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

    /// @dev A REGULATOR's plain freeze, or its unfreeze of any freeze (a judicial one's order lifted with it).
    function _setFrozen(uint256 billId, uint256 start, bool frozen) private {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(frozen ? Operation.FREEZE : Operation.UNFREEZE));
        Freeze was;
        if (start == 0) {
            _requireActive(caller, _msgSender());
            was = bill.freeze;
            if ((was != Freeze.NONE) == frozen) revert FreezeUnchanged(billId, 0, frozen);
            bill.freeze = frozen ? Freeze.FROZEN : Freeze.NONE;
        } else {
            Range storage range = _range(billId, start);
            _requireActive(caller, _msgSender());
            was = range.freeze;
            if ((was != Freeze.NONE) == frozen) revert FreezeUnchanged(billId, start, frozen);
            range.freeze = frozen ? Freeze.FROZEN : Freeze.NONE;
        }
        if (was == Freeze.UNDER_ORDER) delete _orders[billId][start];
        emit FreezeChanged(billId, start, frozen, _msgSender());
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

    function _requireRangePresented(uint256 billId, uint256 start, Range storage range) private view {
        if (range.freeze != Freeze.NONE) revert RangeFrozen(billId, start);
        if (range.state != RangeState.PRESENTED) revert RangeInvalidState(billId, start, uint8(range.state));
    }

    function _requireMature(uint256 billId, Bill storage bill) private view returns (uint256 day) {
        day = _today();
        if (day < bill.maturityDay) revert BillNotMature(billId, bill.maturityDay, day);
    }

    function _requireReason(string calldata reason) private pure {
        uint256 length = bytes(reason).length;
        if (length == 0 || length > MAX_REASON_BYTES) revert DishonorInvalidReason(length);
    }
}
