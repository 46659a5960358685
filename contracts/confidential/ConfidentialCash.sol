// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DigitalCashErrors} from "../interfaces/DigitalCashErrors.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {MemberStatus, Operation, Role, rolesFor} from "../types/BillTypes.sol";
import {Groth16Verifier} from "./Groth16Verifier.sol";
import {NoteKeyDirectory} from "./NoteKeyDirectory.sol";
import {IPoseidon2, PoseidonTree} from "./PoseidonTree.sol";

/// @title Confidential digital cash: notes and nullifiers (docs/PRIVACY.md §3.3, slice 1a's cash).
/// @dev A cash note is a commitment in the tree; whoever knows its opening and its owner's key spends it
///      by revealing its nullifier with a proof (circuits/cash_transfer.circom). Invariants, each checked
///      here or proven to this contract:
///      - value is only created by `mint`, by an ACTIVE BANK within the limit an ACTIVE REGULATOR set;
///        a transfer's proof conserves value (48-bit outputs, so nothing wraps around the field);
///      - a note is spent once: its nullifier is a function of the note alone, spent nullifiers are
///        kept, and the two of one transfer must differ;
///      - every note's opening is encrypted, inside the proof, to the viewing key pinned here, so no
///        party can withhold a note from the regulators (a proof for another key does not verify);
///      - a proof may use any root the tree had.
///      Who submits a transfer is not who pays: the proof authorizes, so a shared submitter can carry it.
///      Not built yet (docs/PRIVACY.md §8): members' statuses and roles inside the proofs (a FROZEN
///      participant's notes still move), hidden mint amounts (allowance notes), the member tree.
abstract contract ConfidentialCash is PoseidonTree, DigitalCashErrors {
    uint256 private constant TRANSFER_SIGNALS = 24;
    uint256 private constant MINT_SIGNALS = 15;
    /// @dev 48-bit values, as the circuits range-check them
    uint256 private constant MAX_VALUE = 2 ** 48 - 1;

    IParticipantRegistry internal immutable _registry;
    /// @dev the members' note keys: public, so in a contract of its own (its storage holds members' addresses)
    NoteKeyDirectory public immutable noteKeyDirectory;
    Groth16Verifier internal immutable _verifier;
    address internal immutable _mintKey;
    address internal immutable _transferKey;
    uint256 internal immutable _viewingKeyX;
    uint256 internal immutable _viewingKeyY;
    mapping(uint256 nullifier => bool) internal _spent;
    mapping(address bank => uint256) private _mintLimits;
    mapping(address bank => uint256) private _minted;

    struct Minted {
        uint256 value;
        uint256 commitment;
        uint256 nonce;
        uint256[2] ecdhPk;
        uint256[4] cipherOwner;
        uint256[4] cipherRegulator;
    }

    struct Transfer {
        uint256 root;
        uint256[2] nullifiers;
        uint256[2] commitments;
        uint256 nonce;
        uint256[2] ecdhPk;
        uint256[4] cipherReceiver;
        uint256[10] cipherRegulator;
    }

    event ConfidentialMint(address indexed bank, uint256 index, Minted note);
    event ConfidentialTransfer(uint256 index, Transfer transfer);
    event ConfidentialMintLimitSet(address indexed bank, uint256 limit, address indexed regulator);

    constructor(
        IParticipantRegistry registry,
        IPoseidon2 hasher,
        Groth16Verifier verifier,
        address mintKey,
        address transferKey,
        uint256[2] memory pinnedViewingKey
    ) PoseidonTree(hasher) {
        _registry = registry;
        noteKeyDirectory = new NoteKeyDirectory(registry);
        _verifier = verifier;
        _mintKey = mintKey;
        _transferKey = transferKey;
        _viewingKeyX = pinnedViewingKey[0];
        _viewingKeyY = pinnedViewingKey[1];
    }

    /// @notice The pinned viewing key every note's opening is encrypted to.
    /// @return the BabyJubJub public key (x, y)
    function viewingKey() external view returns (uint256[2] memory) {
        return [_viewingKeyX, _viewingKeyY];
    }

    /// @notice Whether `nullifier` was spent.
    /// @param nullifier a note's nullifier
    /// @return true once spent
    function isSpent(uint256 nullifier) external view returns (bool) {
        return _spent[nullifier];
    }

    /// @notice A bank's confidential mint limit and what it minted so far.
    /// @param bank any address
    /// @return limit in fen
    /// @return minted in fen
    function mintLimitOf(address bank) external view returns (uint256 limit, uint256 minted) {
        return (_mintLimits[bank], _minted[bank]);
    }

    /// @notice Sets how much `bank` may mint confidentially, in all. An ACTIVE REGULATOR only.
    /// @param bank a BANK
    /// @param limit in fen
    function setMintLimit(address bank, uint256 limit) external {
        IParticipantRegistry.Member memory regulator = _registry.membershipOf(msg.sender);
        if (regulator.role != uint8(Role.REGULATOR) || regulator.status != uint8(MemberStatus.ACTIVE)) {
            revert CashRoleForbidden(msg.sender);
        }
        if (_registry.membershipOf(bank).role != uint8(Role.BANK)) revert CashRoleForbidden(bank);
        _mintLimits[bank] = limit;
        emit ConfidentialMintLimitSet(bank, limit, msg.sender);
    }

    /// @notice Mints a note of `note.value` fen to an owner the chain does not learn: an ACTIVE BANK
    ///         within its limit, with a proof that the note holds that value and that its opening is
    ///         encrypted to its owner and to the viewing key.
    /// @param note the note, its ciphertexts and the proof's public outputs
    /// @param proof the cash_mint proof
    function mint(Minted calldata note, Groth16Verifier.Proof calldata proof) external {
        IParticipantRegistry.Member memory bank = _registry.membershipOf(msg.sender);
        if ((rolesFor(Operation.MINT) & (uint8(1) << bank.role)) == 0) revert CashRoleForbidden(msg.sender);
        if (bank.status != uint8(MemberStatus.ACTIVE)) revert CashHolderFrozen(msg.sender);
        if (note.value == 0 || note.value > MAX_VALUE) revert CashInvalidAmount(note.value);
        uint256 limit = _mintLimits[msg.sender];
        uint256 minted = _minted[msg.sender];
        if (minted + note.value > limit) revert CashMintLimitExceeded(msg.sender, limit, minted, note.value);
        _requireNotAwaited(note.commitment); // no note a pending discount awaits (or a cancelled one retired)
        uint256[] memory signals = new uint256[](MINT_SIGNALS);
        signals[0] = note.ecdhPk[0];
        signals[1] = note.ecdhPk[1];
        for (uint256 i = 0; i < 4;) {
            signals[2 + i] = note.cipherOwner[i];
            signals[6 + i] = note.cipherRegulator[i];
            unchecked {
                ++i;
            }
        }
        signals[10] = note.value;
        signals[11] = note.commitment;
        signals[12] = note.nonce;
        signals[13] = _viewingKeyX;
        signals[14] = _viewingKeyY;
        if (!_verifier.verify(_mintKey, proof, signals)) revert InvalidProof();
        _minted[msg.sender] = minted + note.value;
        // the pair's second leaf is an empty one: a mint makes one note
        uint256 index = _insertPair(note.commitment, 0);
        emit ConfidentialMint(msg.sender, index, note);
    }

    /// @notice Spends one or two notes and makes two (payment and change), with a cash_transfer proof.
    ///         Anyone may submit it: the proof shows the notes' owner made it.
    /// @param payment the public signals: root, nullifiers (the second 0 when one note is spent),
    ///        the new notes, and the ciphertexts
    /// @param proof the cash_transfer proof
    function transfer(Transfer calldata payment, Groth16Verifier.Proof calldata proof) external {
        _requireNotAwaited(payment.commitments[0]);
        _requireNotAwaited(payment.commitments[1]);
        uint256 index = _applyTransfer(payment, proof);
        emit ConfidentialTransfer(index, payment);
    }

    /// @dev Reverts when `commitment` is a pending payment's (ConfidentialBills: a discount's price).
    function _requireNotAwaited(uint256 commitment) internal view virtual;

    /// @dev A cash transfer's checks and effects: the root known, the nullifiers distinct and unspent, the
    ///      proof valid; then both spent and the two new notes appended. Returns the first new leaf's index.
    function _applyTransfer(
        Transfer calldata payment,
        Groth16Verifier.Proof calldata proof
    ) internal returns (uint256 index) {
        if (!isKnownRoot(payment.root)) revert UnknownRoot(payment.root);
        uint256 first = payment.nullifiers[0];
        uint256 second = payment.nullifiers[1];
        if (first == second) revert DuplicateNullifier(first);
        if (_spent[first]) revert NullifierSpent(first);
        if (second != 0 && _spent[second]) revert NullifierSpent(second);
        if (!_verifier.verify(_transferKey, proof, _transferSignals(payment))) revert InvalidProof();
        _spent[first] = true;
        if (second != 0) _spent[second] = true;
        index = _insertPair(payment.commitments[0], payment.commitments[1]);
    }

    /// @dev The circuit's public signals: its outputs (ecdhPk, cipherReceiver, cipherRegulator), then its
    ///      public inputs (root, nullifiers, commitments, nonce, the pinned viewing key).
    function _transferSignals(Transfer calldata t) private view returns (uint256[] memory signals) {
        signals = new uint256[](TRANSFER_SIGNALS);
        signals[0] = t.ecdhPk[0];
        signals[1] = t.ecdhPk[1];
        for (uint256 i = 0; i < 4;) {
            signals[2 + i] = t.cipherReceiver[i];
            unchecked {
                ++i;
            }
        }
        for (uint256 i = 0; i < 10;) {
            signals[6 + i] = t.cipherRegulator[i];
            unchecked {
                ++i;
            }
        }
        signals[16] = t.root;
        signals[17] = t.nullifiers[0];
        signals[18] = t.nullifiers[1];
        signals[19] = t.commitments[0];
        signals[20] = t.commitments[1];
        signals[21] = t.nonce;
        signals[22] = _viewingKeyX;
        signals[23] = _viewingKeyY;
    }
}
