// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BillRegistryBase} from "./BillRegistryBase.sol";
import {IBillRegistryExtension} from "./interfaces/IBillRegistryExtension.sol";
import {IDigitalCash} from "./interfaces/IDigitalCash.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {EndorsementChain} from "./libraries/EndorsementChain.sol";
import {RangeBook} from "./libraries/RangeBook.sol";
import {Bill, OverdueRecord, Range, Transfer} from "./types/BillRecords.sol";
import {
    BillStatus,
    Freeze,
    MAX_ADJUST_DAYS,
    MAX_BILL_AMOUNT,
    MAX_RANGES_PER_BILL,
    MAX_REASON_BYTES,
    MAX_TENOR_DAYS,
    OVERDUE_EVENTS,
    OVERDUE_WINDOW_DAYS,
    Operation,
    ROLE_TABLE,
    ROLES_HOLDER,
    RangeState,
    Role,
    TransferKind,
    TransferStatus,
    rolesFor
} from "./types/BillTypes.sol";

/// @title The bill registry's second half: guarantee and seizure requests, judicial freezes, every view.
/// @dev Runs only by delegatecall from BillRegistry, which created it, on BillRegistry's storage (a direct
///      call of a write is refused: this contract's own storage is no registry). Its checks are the shared
///      ones of BillRegistryBase, in API.md's order, as in BillRegistry; what it asks for, BillRegistry
///      completes (`sign`, `rejectTransfer`, `revoke`).
contract BillRegistryExtension is IBillRegistryExtension, BillRegistryBase {
    using RangeBook for mapping(uint256 => Range);
    using EndorsementChain for mapping(uint256 => Transfer);
    using EndorsementChain for EndorsementChain.Links;

    /// @dev FORBIDDEN: nobody but BillRegistry's delegatecall runs a write here (this contract's own storage is empty).
    error ExtensionCalledDirectly();

    address private immutable _self = address(this);

    constructor(
        IParticipantRegistry registry,
        IDigitalCash digitalCash,
        address relay
    ) BillRegistryBase(registry, digitalCash, relay) {}

    modifier onlyDelegated() {
        if (address(this) == _self) revert ExtensionCalledDirectly();
        _;
    }

    // ---------------------------------------------------------------- bill

    /// @inheritdoc IBillRegistryExtension
    function reject(uint256 billId) external onlyDelegated {
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

    /// @inheritdoc IBillRegistryExtension
    function cancel(uint256 billId) external onlyDelegated {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.CANCEL));
        if (caller.code != bill.drawer) revert BillNotParty(billId, _msgSender());
        BillStatus status = bill.status;
        bool allowed = status == BillStatus.ISSUED || status == BillStatus.ACCEPTED;
        _requireBillOpen(billId, bill, caller, allowed ? status : BillStatus.NONE);
        bill.status = BillStatus.CANCELLED;
        emit BillCancelled(billId, _msgSender());
    }

    // ---------------------------------------------------------- guarantees

    /// @inheritdoc IBillRegistryExtension
    function guarantee(
        uint256 billId,
        uint256 start,
        uint256 amount,
        address guarantor
    ) external onlyDelegated returns (uint256 transferId) {
        if (start == 0) return _guaranteeBill(billId, guarantor);
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.GUARANTEE));
        Range storage range = _range(billId, start);
        if (range.holder != caller.code) revert BillNotParty(billId, _msgSender());
        uint256 end = range.end;
        if (amount == 0 || amount > end - start + 1) revert RangeInvalidAmount(billId, start, amount);
        IParticipantRegistry.Member memory surety = _registry.membershipOf(guarantor);
        if (!_hasRole(surety, ROLES_HOLDER) || guarantor == _msgSender()) revert BillInvalidCounterparty(guarantor);
        _requireRangeFree(billId, bill, start, range, caller);
        _requireActive(surety, guarantor);
        if (range.state != RangeState.HELD) revert RangeInvalidState(billId, start, uint8(range.state));
        _requireInGoodStanding(billId, bill.acceptor);
        if (range.markedChain && !_transfers.load(range.chainHead, bill.payee).mayGuarantee(surety.code, caller.code)) {
            revert GuaranteeLimit(billId, start, guarantor);
        }
        uint256 last = _splitOff(billId, bill, start, range, amount, end);
        transferId = _openTransfer(
            billId,
            start,
            range,
            RangeState.HELD,
            surety.code,
            TransferKind.GUARANTEE,
            0,
            false
        );
        emit TransferRequested(
            transferId,
            billId,
            uint8(TransferKind.GUARANTEE),
            _msgSender(),
            guarantor,
            start,
            last,
            0,
            0,
            0,
            0,
            false
        );
    }

    // -------------------------------------------------------- court orders

    /// @inheritdoc IBillRegistryExtension
    function freezeUnderOrder(uint256 billId, uint256 start, bytes32 orderHash) external onlyDelegated {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.FREEZE));
        if (orderHash == bytes32(0)) revert CourtOrderRequired();
        if (start == 0) {
            _requireActive(caller, _msgSender());
            if (bill.freeze == Freeze.UNDER_ORDER) revert FreezeUnchanged(billId, 0, true);
            bill.freeze = Freeze.UNDER_ORDER;
        } else {
            Range storage range = _range(billId, start);
            _requireActive(caller, _msgSender());
            if (range.freeze == Freeze.UNDER_ORDER) revert FreezeUnchanged(billId, start, true);
            range.freeze = Freeze.UNDER_ORDER;
        }
        _orders[billId][start] = orderHash;
        emit FreezeChanged(billId, start, true, _msgSender());
        emit FrozenUnderOrder(billId, start, orderHash, _msgSender());
    }

    /// @inheritdoc IBillRegistryExtension
    function seize(
        uint256 billId,
        uint256 start,
        address to,
        bytes32 orderHash
    ) external onlyDelegated returns (uint256 transferId) {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.SEIZE));
        Range storage range = _range(billId, start);
        if (orderHash == bytes32(0)) revert CourtOrderRequired();
        IParticipantRegistry.Member memory beneficiary = _registry.membershipOf(to);
        if (!_hasRole(beneficiary, ROLES_HOLDER) || beneficiary.code == range.holder)
            revert BillInvalidCounterparty(to);
        if (bill.freeze != Freeze.NONE) revert BillFrozen(billId);
        _requireActive(caller, _msgSender());
        _requireActive(beneficiary, to);
        if (
            range.state != RangeState.HELD || range.freeze != Freeze.UNDER_ORDER || _orders[billId][start] != orderHash
        ) {
            revert RangeNotUnderOrder(billId, start, orderHash);
        }
        transferId = _openTransfer(
            billId,
            start,
            range,
            RangeState.HELD,
            beneficiary.code,
            TransferKind.SEIZURE,
            0,
            false
        );
        _initiators[transferId] = caller.code;
        _seizureOrders[transferId] = orderHash;
        emit TransferRequested(
            transferId,
            billId,
            uint8(TransferKind.SEIZURE),
            _msgSender(),
            to,
            start,
            range.end,
            0,
            0,
            0,
            0,
            false
        );
        emit SeizureRequested(transferId, orderHash);
    }

    /// @inheritdoc IBillRegistryExtension
    function confirmSeizure(uint256 transferId, address to, bytes32 orderHash) external onlyDelegated {
        (Transfer storage t, Bill storage bill, Range storage range) = _seizureForConfirmer(transferId);
        uint256 billId = t.billId;
        uint256 start = t.start;
        address beneficiary = _registry.accountOf(t.to);
        bytes32 named = _seizureOrders[transferId];
        if (to != beneficiary || orderHash != named) revert SeizureTermsDiffer(transferId, beneficiary, named);
        if (bill.freeze != Freeze.NONE) revert BillFrozen(billId);
        if (range.freeze != Freeze.UNDER_ORDER || _orders[billId][start] != named) {
            revert RangeNotUnderOrder(billId, start, named);
        }
        _requireActive(_registry.membershipOf(beneficiary), beneficiary);
        t.status = TransferStatus.SIGNED;
        emit TransferSigned(transferId, billId, _msgSender());
        range.holder = t.to;
        range.state = RangeState.HELD;
        range.freeze = Freeze.NONE;
        range.chainHead = uint32(transferId);
        range.markedChain = true;
        delete _orders[billId][start];
        emit FreezeChanged(billId, start, false, _msgSender());
    }

    /// @inheritdoc IBillRegistryExtension
    function rejectSeizure(uint256 transferId) external onlyDelegated {
        (Transfer storage t, Bill storage bill, Range storage range) = _seizureForConfirmer(transferId);
        t.status = TransferStatus.REJECTED;
        emit TransferRejected(transferId, t.billId, _msgSender());
        _unwind(transferId, t, bill, range);
    }

    // -------------------------------------------------------------- views

    /// @inheritdoc IBillRegistryExtension
    function billOf(uint256 billId) external view returns (BillView memory) {
        Bill storage bill = _bill(billId);
        return
            BillView({
                kind: uint8(bill.kind),
                status: uint8(bill.status),
                transferable: bill.transferable,
                frozen: bill.freeze != Freeze.NONE,
                orderHash: _orders[billId][0],
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

    /// @inheritdoc IBillRegistryExtension
    function rangeOf(uint256 billId, uint256 start) external view returns (RangeView memory) {
        _bill(billId);
        return _rangeView(billId, start, _range(billId, start));
    }

    /// @inheritdoc IBillRegistryExtension
    function rangesOf(uint256 billId) external view returns (RangeView[] memory ranges) {
        Bill storage bill = _bill(billId);
        mapping(uint256 => Range) storage book = _ranges[billId];
        uint256 amount = bill.amount;
        ranges = new RangeView[](bill.rangeCount);
        uint256 i = 0;
        for (uint256 start = book.first(); start != 0;) {
            (Range storage range, uint256 following) = book.step(start, amount);
            ranges[i] = _rangeView(billId, start, range);
            ++i;
            start = following;
        }
    }

    /// @inheritdoc IBillRegistryExtension
    function transferOf(uint256 transferId) external view returns (TransferView memory) {
        Transfer storage t = _transfer(transferId);
        Range storage range = _ranges[t.billId][t.start];
        return
            TransferView({
                billId: t.billId,
                start: t.start,
                end: t.end,
                kind: uint8(t.kind),
                status: uint8(t.status),
                priorState: uint8(t.priorState),
                from: _registry.accountOf(_initiatorOf(transferId, t, range)),
                to: _registry.accountOf(t.to),
                price: t.price,
                documentHash: _transferDocument(transferId),
                restrictive: t.restrictive,
                orderHash: _seizureOrders[transferId]
            });
    }

    /// @inheritdoc IBillRegistryExtension
    function endorsementChain(uint256 billId, uint256 start) external view returns (address[] memory chain) {
        Bill storage bill = _bill(billId);
        Range storage range = _range(billId, start);
        uint32[] memory codes = _transfers.members(range.chainHead, bill.payee);
        chain = new address[](codes.length);
        for (uint256 i = 0; i < codes.length; ++i) {
            chain[i] = _registry.accountOf(codes[i]);
        }
    }

    /// @inheritdoc IBillRegistryExtension
    function liableTo(uint256 billId, uint256 start, address target) external view returns (bool) {
        Bill storage bill = _bill(billId);
        Range storage range = _range(billId, start);
        uint32 code = _registry.membershipOf(target).code;
        if (code == 0) return false;
        (bool liable, ) = _isLiable(billId, bill, range, code);
        return liable;
    }

    /// @inheritdoc IBillRegistryExtension
    function billGuaranteesOf(uint256 billId, address guarantor) external view returns (uint8 parties) {
        _bill(billId);
        return _billGuarantors[billId][_registry.membershipOf(guarantor).code];
    }

    /// @inheritdoc IBillRegistryExtension
    function overdueOf(
        address acceptor
    ) external view returns (uint256 latest, uint256 second, uint256 third, uint256 overdueUntil, bool persistently) {
        OverdueRecord storage record = _overdue[_registry.membershipOf(acceptor).code];
        overdueUntil = _overdueUntil(record);
        return (
            record.latest,
            record.second,
            record.third,
            overdueUntil,
            overdueUntil != 0 && _today() <= overdueUntil
        );
    }

    /// @inheritdoc IBillRegistryExtension
    function orderOf(uint256 billId, uint256 start) external view returns (bytes32 orderHash) {
        return _orders[billId][start];
    }

    /// @inheritdoc IBillRegistryExtension
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

    /// @inheritdoc IBillRegistryExtension
    function billCount() external view returns (uint256) {
        return _billCount;
    }

    /// @inheritdoc IBillRegistryExtension
    function transferCount() external view returns (uint256) {
        return _transferCount;
    }

    /// @inheritdoc IBillRegistryExtension
    function isDocumentAnchored(bytes32 documentHash) external view returns (bool) {
        return _isAnchored(documentHash);
    }

    /// @inheritdoc IBillRegistryExtension
    function cash() external view returns (address) {
        return address(_cash);
    }

    /// @inheritdoc IBillRegistryExtension
    function today() external view returns (uint256) {
        return _today();
    }

    /// @inheritdoc IBillRegistryExtension
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
        )
    {
        return (
            ROLE_TABLE,
            MAX_BILL_AMOUNT,
            MAX_TENOR_DAYS,
            MAX_ADJUST_DAYS,
            MAX_REASON_BYTES,
            MAX_RANGES_PER_BILL,
            OVERDUE_EVENTS,
            OVERDUE_WINDOW_DAYS
        );
    }

    // ------------------------------------------------------------ helpers

    /// @dev The drawer's or the acceptor's guarantee of the whole bill: no range moves or locks; the guarantor
    ///      is bound for every party of the bill the caller is (`_guaranteedParties`) when it signs.
    function _guaranteeBill(uint256 billId, address guarantor) private returns (uint256 transferId) {
        Bill storage bill = _bill(billId);
        IParticipantRegistry.Member memory caller = _actor(rolesFor(Operation.GUARANTEE));
        if (caller.code != bill.drawer && caller.code != bill.acceptor) revert BillNotParty(billId, _msgSender());
        IParticipantRegistry.Member memory surety = _registry.membershipOf(guarantor);
        if (!_hasRole(surety, ROLES_HOLDER) || guarantor == _msgSender()) revert BillInvalidCounterparty(guarantor);
        if (bill.freeze != Freeze.NONE) revert BillFrozen(billId);
        _requireActive(caller, _msgSender());
        _requireActive(surety, guarantor);
        uint8 parties = _guaranteedParties(bill, caller.code);
        if (parties == 0) revert BillInvalidState(billId, uint8(bill.status));
        if ((_billGuarantors[billId][surety.code] & parties) == parties) revert GuaranteeExists(billId, guarantor);
        _requireAcceptedInGoodStanding(billId, bill);
        transferId = ++_transferCount;
        _transfers[transferId] = Transfer({
            to: surety.code,
            billId: uint32(billId),
            start: 0,
            end: 0,
            price: 0,
            parent: 0,
            kind: TransferKind.GUARANTEE,
            status: TransferStatus.PENDING,
            priorState: RangeState.NONE,
            restrictive: false
        });
        _initiators[transferId] = caller.code;
        emit TransferRequested(
            transferId,
            billId,
            uint8(TransferKind.GUARANTEE),
            _msgSender(),
            guarantor,
            0,
            0,
            0,
            0,
            0,
            0,
            false
        );
    }

    /// @dev A pending SEIZURE for its second party: an ACTIVE REGULATOR other than its requester, or the OPERATOR
    ///      (FORBIDDEN for anyone else, its beneficiary included; NOT_PARTY for the requester).
    function _seizureForConfirmer(
        uint256 transferId
    ) private view returns (Transfer storage t, Bill storage bill, Range storage range) {
        t = _transfer(transferId);
        uint256 billId = t.billId;
        bill = _bills[billId];
        range = _ranges[billId][t.start];
        address sender = _msgSender();
        IParticipantRegistry.Member memory caller = _registry.membershipOf(sender);
        bool regulator = caller.code != 0 && caller.role == uint8(Role.REGULATOR);
        if (!regulator && !_registry.isOperator(sender)) revert BillRoleForbidden(sender, caller.role);
        if (t.kind != TransferKind.SEIZURE) revert BillNotParty(billId, sender);
        if (regulator && caller.code == _initiators[transferId]) revert BillNotParty(billId, sender);
        // nor the beneficiary (DOMAIN.md: "not by `to`"), an OPERATOR whose own address is a member included
        if (caller.code != 0 && caller.code == t.to) revert BillNotParty(billId, sender);
        if (t.status != TransferStatus.PENDING) revert TransferInvalidState(transferId, uint8(t.status));
        if (regulator) _requireActive(caller, sender);
    }

    /// @dev What `rangeOf` and `rangesOf` answer for the range at `start`.
    function _rangeView(uint256 billId, uint256 start, Range storage range) private view returns (RangeView memory) {
        return
            RangeView({
                start: start,
                end: range.end,
                holder: _registry.accountOf(range.holder),
                state: uint8(range.state),
                frozen: range.freeze != Freeze.NONE,
                orderHash: range.freeze == Freeze.UNDER_ORDER ? _orders[billId][start] : bytes32(0),
                late: range.late,
                pledgee: _registry.accountOf(range.pledgee),
                presentedAt: range.presentedAt
            });
    }
}
