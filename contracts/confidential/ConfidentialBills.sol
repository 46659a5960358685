// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {DiscountPricing} from "../libraries/DiscountPricing.sol";
import {MemberStatus, Role} from "../types/BillTypes.sol";
import {ConfidentialCash} from "./ConfidentialCash.sol";
import {Groth16Verifier} from "./Groth16Verifier.sol";
import {IPoseidon2} from "./PoseidonTree.sol";

/// @title Confidential bills: range notes beside confidential cash, in one tree (docs/PRIVACY.md, slice 1b).
/// @dev A holder's part of a bill is a range note; it moves by a proof (circuits/range_transfer.circom)
///      that it is the prover's, that the split partitions it and that the bill has not matured, and it is
///      discounted by a proof (circuits/discount.circom) that also fixes the price DOMAIN.md's rule gives,
///      as the commitment of the cash note the bank must pay. The bank's cash proof that makes exactly that
///      note settles both sides in one transaction (delivery versus payment). Invariants, beyond confidential
///      cash's: `today` in every proof is the block's Asia/Shanghai day; a range note locked by a pending
///      discount moves only by that discount's payment; the price a pending discount awaits is paid only by
///      signing it (a copy of the bank's payment sent as a plain transfer is refused, so no one who sees it
///      pending can spend the bank's cash without delivering the range); a note is spent once.
///      A pending discount ends by its payment or by a cancel (the holder's revoke or the bank's reject), which
///      reveals the key only the two of them can compute (circuits/discount.circom), frees the range note and
///      retires the request for good.
///      At maturity the holder presents its range note (circuits/range_present.circom): the proof fixes a cash
///      note of the range's amount to the holder, and the note stays locked until a payment that makes exactly
///      that cash note (`pay`), which spends it: the acceptor's payment and the range's retirement are one
///      transaction. Dishonour, and recourse after it, are slice 2 (not built): a presented range unpaid stays
///      locked.
///      Not built yet (docs/PRIVACY.md §8): binding the payer to the bank named in the request, members'
///      statuses and roles inside the proofs, the issuer (acceptor) kept off the chain.
contract ConfidentialBills is ConfidentialCash {
    uint256 private constant ISSUE_SIGNALS = 16;
    uint256 private constant MOVE_SIGNALS = 24;
    uint256 private constant DISCOUNT_SIGNALS = 26;
    uint256 private constant PRESENT_SIGNALS = 20;
    /// @dev the Asia/Shanghai calendar day: UTC+8, no daylight saving
    uint256 private constant SHANGHAI_OFFSET_S = 8 hours;
    /// @dev `_awaited`'s mark for a cancelled discount's price: that request and its payment never go again
    uint256 private constant CANCELLED = type(uint256).max;

    address private immutable _issueKey;
    address private immutable _moveKey;
    address private immutable _discountKey;
    address private immutable _presentKey;
    mapping(uint256 nullifier => bool) private _locked;
    mapping(uint256 id => Pending) private _pending;
    mapping(uint256 cashCommitment => uint256 id) private _awaited;
    /// @dev the last id given to a pending discount or presentment (one sequence: an id names one record)
    uint256 private _lastPendingId;
    mapping(uint256 id => Presented) private _presented;

    struct Keys {
        address mint;
        address transfer;
        address issue;
        address move;
        address discount;
        address present;
    }

    struct Issued {
        uint256 commitment;
        uint256 day;
        uint256 nonce;
        uint256[2] ecdhPk;
        uint256[4] cipherPayee;
        uint256[4] cipherRegulator;
    }

    struct RangeMove {
        uint256 root;
        uint256 nullifier;
        uint256[2] commitments;
        uint256 day;
        uint256 nonce;
        uint256[2] ecdhPk;
        uint256[4] cipherReceiver;
        uint256[10] cipherRegulator;
    }

    struct DiscountRequest {
        uint256 root;
        uint256 nullifier;
        uint256[2] commitments;
        uint256 day;
        uint256 cashCommitment;
        uint256 nonce;
        uint256[2] ecdhPk;
        uint256[4] cipherBank;
        uint256[10] cipherRegulator;
        uint256 cancelTag;
    }

    struct Presentment {
        uint256 root;
        uint256 nullifier;
        uint256 day;
        uint256 cashCommitment;
        uint256 nonce;
        uint256[2] ecdhPk;
        uint256[4] cipherAcceptor;
        uint256[7] cipherRegulator;
    }

    struct Presented {
        uint256 nullifier;
        uint256 cashCommitment;
    }

    struct Pending {
        uint256 nullifier;
        uint256[2] commitments;
        uint256 cashCommitment;
        uint256 cancelTag;
    }

    event ConfidentialIssue(address indexed acceptor, uint256 index, Issued note);
    event ConfidentialRangeMove(uint256 index, RangeMove move);
    event ConfidentialDiscountRequested(uint256 indexed id, DiscountRequest request);
    event ConfidentialDiscountSigned(uint256 indexed id, uint256 rangeIndex, uint256 cashIndex, Transfer payment);
    event ConfidentialDiscountCancelled(uint256 indexed id);
    event ConfidentialPresented(uint256 indexed id, Presentment presentment);
    event ConfidentialPaid(uint256 indexed id, uint256 cashIndex, Transfer payment);

    constructor(
        IParticipantRegistry registry,
        IPoseidon2 hasher,
        Groth16Verifier verifier,
        Keys memory keys,
        uint256[2] memory pinnedViewingKey
    ) ConfidentialCash(registry, hasher, verifier, keys.mint, keys.transfer, pinnedViewingKey) {
        _issueKey = keys.issue;
        _moveKey = keys.move;
        _discountKey = keys.discount;
        _presentKey = keys.present;
    }

    /// @notice The Asia/Shanghai calendar day of the latest block, as proofs must name it.
    /// @return days since 1970-01-01
    function today() public view returns (uint256) {
        return (block.timestamp + SHANGHAI_OFFSET_S) / 1 days;
    }

    /// @notice DOMAIN.md's price of `amount` discounted at `rateMicros` for `days_`, as a discount proof fixes it:
    ///         the bank reads a request's terms from its ciphertext and pays this (the wallet's one copy of the rule).
    /// @param amount the discounted amount in fen
    /// @param rateMicros the annual rate in millionths
    /// @param days_ maturity day - the request's day + adjust days
    /// @return the price in fen
    function discountPrice(uint256 amount, uint256 rateMicros, uint256 days_) external pure returns (uint256) {
        return DiscountPricing.price(amount, rateMicros, days_);
    }

    /// @notice The verifier and the data contracts holding each circuit's verification key, for a client to
    ///         check against the ceremony's transcript (chain/zk/vkey.py's key_hash).
    /// @return verifier the Groth16 verifier
    /// @return keys each circuit's verification key
    function verifyingKeys() external view returns (address verifier, Keys memory keys) {
        return (address(_verifier), Keys(_mintKey, _transferKey, _issueKey, _moveKey, _discountKey, _presentKey));
    }

    /// @notice Whether a pending discount locks the range note of `nullifier`.
    /// @param nullifier a range note's nullifier
    /// @return true while locked
    function isLocked(uint256 nullifier) external view returns (bool) {
        return _locked[nullifier];
    }

    /// @notice A bill's first range note, 1..amount to its payee, made by its acceptor (an ACTIVE BANK), whose
    ///         member code the proof must put in the bill's id (billId = code * 2^32 + serial).
    /// @param note the note, its ciphertexts and the proof's public outputs
    /// @param proof the bill_issue proof
    function issue(Issued calldata note, Groth16Verifier.Proof calldata proof) external {
        IParticipantRegistry.Member memory bank = _registry.membershipOf(msg.sender);
        if (bank.role != uint8(Role.BANK) || bank.status != uint8(MemberStatus.ACTIVE)) {
            revert CashRoleForbidden(msg.sender);
        }
        _requireToday(note.day);
        uint256[] memory signals = new uint256[](ISSUE_SIGNALS);
        _put(signals, 0, note.ecdhPk);
        _put(signals, 2, note.cipherPayee);
        _put(signals, 6, note.cipherRegulator);
        signals[10] = note.commitment;
        signals[11] = note.day;
        signals[12] = bank.code;
        signals[13] = note.nonce;
        _putViewingKey(signals, 14);
        if (!_verifier.verify(_issueKey, proof, signals)) revert InvalidProof();
        emit ConfidentialIssue(msg.sender, _insertPair(note.commitment, 0), note);
    }

    /// @notice Endorses k of a range note to a receiver the chain does not learn (request and signature in
    ///         one: the receiver's consent is slice 2's `answer`). Anyone may submit it.
    /// @param move the public signals of the range_transfer proof
    /// @param proof the range_transfer proof
    function endorse(RangeMove calldata move, Groth16Verifier.Proof calldata proof) external {
        _requireSpendable(move.root, move.nullifier);
        _requireToday(move.day);
        uint256[] memory signals = new uint256[](MOVE_SIGNALS);
        _put(signals, 0, move.ecdhPk);
        _put(signals, 2, move.cipherReceiver);
        _put(signals, 6, move.cipherRegulator);
        _putSplit(signals, 16, move.root, move.nullifier, move.commitments, move.day);
        signals[21] = move.nonce;
        _putViewingKey(signals, 22);
        if (!_verifier.verify(_moveKey, proof, signals)) revert InvalidProof();
        _spent[move.nullifier] = true;
        emit ConfidentialRangeMove(_insertPair(move.commitments[0], move.commitments[1]), move);
    }

    /// @notice A holder asks a bank to discount k of its range note at the price the proof fixes; the note
    ///         is locked until the bank pays.
    /// @param request the public signals of the discount proof
    /// @param proof the discount proof
    /// @return id the pending discount's id
    function requestDiscount(
        DiscountRequest calldata request,
        Groth16Verifier.Proof calldata proof
    ) external returns (uint256 id) {
        _requireSpendable(request.root, request.nullifier);
        _requireToday(request.day);
        _requireNew(request.commitments[0]);
        _requireNew(request.commitments[1]);
        _requireNew(request.cashCommitment);
        _requireNotAwaited(request.cashCommitment);
        if (!_verifier.verify(_discountKey, proof, _discountSignals(request))) revert InvalidProof();
        id = _await(request.nullifier, request.cashCommitment);
        _pending[id] = Pending(request.nullifier, request.commitments, request.cashCommitment, request.cancelTag);
        emit ConfidentialDiscountRequested(id, request);
    }

    /// @notice The bank pays a pending discount: its cash proof must make exactly the cash note the request
    ///         fixed; the range moves to the bank and the price to the holder in this one transaction.
    /// @param id the pending discount
    /// @param payment the public signals of the bank's cash_transfer proof
    /// @param proof the cash_transfer proof
    function signDiscount(uint256 id, Transfer calldata payment, Groth16Verifier.Proof calldata proof) external {
        Pending memory pending = _pending[id];
        if (pending.nullifier == 0) revert DiscountNotPending(id);
        uint256 cashIndex = _settle(pending.nullifier, pending.cashCommitment, payment, proof);
        delete _pending[id];
        uint256 rangeIndex = _insertPair(pending.commitments[0], pending.commitments[1]);
        emit ConfidentialDiscountSigned(id, rangeIndex, cashIndex, payment);
    }

    /// @notice Ends a pending discount unpaid: the holder's revoke or the bank's reject (the chain does not
    ///         learn which, unless the sender's account tells). The range note is free again; neither the request
    ///         nor its payment can be sent again. Anyone may submit it.
    /// @param id the pending discount
    /// @param cancelKey Poseidon of the ECDH point the request's ephemeral key shares with the bank: only the
    ///        holder, who made that key, and the bank can compute it (the regulator reads the request but
    ///        cannot cancel it)
    function cancelDiscount(uint256 id, uint256 cancelKey) external {
        Pending memory pending = _pending[id];
        if (pending.nullifier == 0) revert DiscountNotPending(id);
        if (_hash(cancelKey, 0) != pending.cancelTag) revert NotDiscountParty(id);
        delete _pending[id];
        _awaited[pending.cashCommitment] = CANCELLED; // final: the request cannot be sent again, nor its payment
        _locked[pending.nullifier] = false;
        emit ConfidentialDiscountCancelled(id);
    }

    /// @notice The holder presents a matured range note for payment: the proof fixes the cash note of the range's
    ///         amount the holder awaits; the note is locked until the payment that makes it. Anyone may submit it.
    /// @param presentment the public signals of the range_present proof
    /// @param proof the range_present proof
    /// @return id the pending presentment's id
    function present(
        Presentment calldata presentment,
        Groth16Verifier.Proof calldata proof
    ) external returns (uint256 id) {
        _requireSpendable(presentment.root, presentment.nullifier);
        _requireToday(presentment.day);
        _requireNew(presentment.cashCommitment);
        _requireNotAwaited(presentment.cashCommitment);
        uint256[] memory signals = new uint256[](PRESENT_SIGNALS);
        _put(signals, 0, presentment.ecdhPk);
        _put(signals, 2, presentment.cipherAcceptor);
        _put(signals, 6, presentment.cipherRegulator);
        signals[13] = presentment.root;
        signals[14] = presentment.nullifier;
        signals[15] = presentment.day;
        signals[16] = presentment.cashCommitment;
        signals[17] = presentment.nonce;
        _putViewingKey(signals, 18);
        if (!_verifier.verify(_presentKey, proof, signals)) revert InvalidProof();
        id = _await(presentment.nullifier, presentment.cashCommitment);
        _presented[id] = Presented(presentment.nullifier, presentment.cashCommitment);
        emit ConfidentialPresented(id, presentment);
    }

    /// @notice A presented range is paid: the payer's cash proof must make exactly the cash note the
    ///         presentment fixed; the holder is paid and the range retired in this one transaction.
    /// @param id the pending presentment
    /// @param payment the public signals of the payer's cash_transfer proof
    /// @param proof the cash_transfer proof
    function pay(uint256 id, Transfer calldata payment, Groth16Verifier.Proof calldata proof) external {
        Presented memory presented = _presented[id];
        if (presented.nullifier == 0) revert PresentmentNotPending(id);
        uint256 cashIndex = _settle(presented.nullifier, presented.cashCommitment, payment, proof);
        delete _presented[id];
        emit ConfidentialPaid(id, cashIndex, payment);
    }

    /// @dev A pending record's start: the range note of `nullifier` locked, `cashCommitment` awaited under a new id.
    function _await(uint256 nullifier, uint256 cashCommitment) private returns (uint256 id) {
        _locked[nullifier] = true;
        id = ++_lastPendingId;
        _awaited[cashCommitment] = id;
    }

    /// @dev A pending record's payment: `payment` must make exactly the awaited `cashCommitment` (its change no
    ///      other record's awaited or retired note); the cash moves and the range note of `nullifier` is spent, in
    ///      one transaction. Returns the payment's first leaf index.
    function _settle(
        uint256 nullifier,
        uint256 cashCommitment,
        Transfer calldata payment,
        Groth16Verifier.Proof calldata proof
    ) private returns (uint256 cashIndex) {
        if (payment.commitments[0] != cashCommitment) revert PaymentMismatch(cashCommitment, payment.commitments[0]);
        _requireNotAwaited(payment.commitments[1]);
        cashIndex = _applyTransfer(payment, proof);
        delete _awaited[cashCommitment];
        _locked[nullifier] = false;
        _spent[nullifier] = true;
    }

    function _discountSignals(DiscountRequest calldata r) private view returns (uint256[] memory signals) {
        signals = new uint256[](DISCOUNT_SIGNALS);
        _put(signals, 0, r.ecdhPk);
        _put(signals, 2, r.cipherBank);
        _put(signals, 6, r.cipherRegulator);
        signals[16] = r.cancelTag;
        _putSplit(signals, 17, r.root, r.nullifier, r.commitments, r.day);
        signals[22] = r.cashCommitment;
        signals[23] = r.nonce;
        _putViewingKey(signals, 24);
    }

    function _requireNotAwaited(uint256 commitment) internal view override {
        uint256 id = _awaited[commitment];
        if (id == CANCELLED) revert DiscountCancelled(commitment);
        if (id != 0) revert PaymentAwaited(id);
    }

    function _requireSpendable(uint256 root_, uint256 nullifier) private view {
        if (!isKnownRoot(root_)) revert UnknownRoot(root_);
        if (_spent[nullifier]) revert NullifierSpent(nullifier);
        if (_locked[nullifier]) revert NoteLocked(nullifier);
    }

    function _requireToday(uint256 day) private view {
        uint256 current = today();
        if (day != current) revert WrongDay(day, current);
    }

    /// @dev A split's public inputs, in the circuits' order from `at`: root, nullifier, the two outputs, day.
    function _putSplit(
        uint256[] memory signals,
        uint256 at,
        uint256 root_,
        uint256 nullifier,
        uint256[2] calldata commitments,
        uint256 day
    ) private pure {
        signals[at] = root_;
        signals[at + 1] = nullifier;
        signals[at + 2] = commitments[0];
        signals[at + 3] = commitments[1];
        signals[at + 4] = day;
    }

    function _putViewingKey(uint256[] memory signals, uint256 at) private view {
        signals[at] = _viewingKeyX;
        signals[at + 1] = _viewingKeyY;
    }

    function _put(uint256[] memory signals, uint256 at, uint256[2] calldata values) private pure {
        signals[at] = values[0];
        signals[at + 1] = values[1];
    }

    function _put(uint256[] memory signals, uint256 at, uint256[4] calldata values) private pure {
        for (uint256 i = 0; i < 4;) {
            signals[at + i] = values[i];
            unchecked {
                ++i;
            }
        }
    }

    function _put(uint256[] memory signals, uint256 at, uint256[7] calldata values) private pure {
        for (uint256 i = 0; i < 7;) {
            signals[at + i] = values[i];
            unchecked {
                ++i;
            }
        }
    }

    function _put(uint256[] memory signals, uint256 at, uint256[10] calldata values) private pure {
        for (uint256 i = 0; i < 10;) {
            signals[at + i] = values[i];
            unchecked {
                ++i;
            }
        }
    }
}
