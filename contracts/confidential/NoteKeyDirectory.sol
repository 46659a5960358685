// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ConfidentialCashErrors} from "../interfaces/ConfidentialCashErrors.sol";
import {DigitalCashErrors} from "../interfaces/DigitalCashErrors.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {MemberStatus} from "../types/BillTypes.sol";

/// @title The members' note keys: the directory a payer reads a receiver's key from (docs/PRIVACY.md §3.2).
/// @dev A note key is a BabyJubJub public key (x, y); its secret is the member's own, held where its signing
///      key is (a hosted member's gateway derives it from that key; a self-custody member's client holds it).
///      Invariants: only an ACTIVE member registers a key, and only its own (the sender's): no one, the
///      operator included, can point another member's incoming notes to a key of its choosing; a key is a
///      point of the curve outside its small subgroup (8 P is not the identity), so no payer's ECDH with it
///      is trivial; a key is one member's for good (no member registers a key another registered, so the
///      regulator's view of whose notes are whose is never ambiguous); a member may register a new key (its
///      old notes stay spendable with the old secret; new notes go to the new key). Not checked: that the
///      sender knows the key's secret (a proof of possession is a circuit of its own: not built), so a member
///      could register a key no one registered yet that it cannot spend with; notes to it are lost to that
///      member alone. Public by design: the directory is what a node may learn (DOMAIN.md), so it is a contract
///      of its own, beside the registry, that the confidential ledger creates: its storage holds members'
///      addresses and keys, the ledger's none.
contract NoteKeyDirectory is ConfidentialCashErrors, DigitalCashErrors {
    /// @dev BabyJubJub over BN254's scalar field: a x^2 + y^2 = 1 + d x^2 y^2
    uint256 private constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 private constant A = 168700;
    uint256 private constant D = 168696;

    IParticipantRegistry private immutable _registry;
    mapping(address member => uint256[2]) private _noteKeys;
    /// @dev every key ever registered, to the member that registered it: a key is one member's for good
    mapping(bytes32 keyHash => address member) private _keyOwners;

    event NoteKeyRegistered(address indexed member, uint256[2] key);

    constructor(IParticipantRegistry registry) {
        _registry = registry;
    }

    /// @notice Registers the sender's note key (an ACTIVE member's), replacing any earlier one.
    /// @param key the BabyJubJub public key (x, y)
    function registerNoteKey(uint256[2] calldata key) external {
        if (_registry.membershipOf(msg.sender).status != uint8(MemberStatus.ACTIVE)) {
            revert CashRoleForbidden(msg.sender);
        }
        if (!_isUsableKey(key[0], key[1])) revert NoteKeyInvalid(key[0], key[1]);
        bytes32 keyHash = keccak256(abi.encode(key[0], key[1]));
        address owner = _keyOwners[keyHash];
        if (owner != address(0) && owner != msg.sender) revert NoteKeyTaken(owner);
        _keyOwners[keyHash] = msg.sender;
        _noteKeys[msg.sender] = key;
        emit NoteKeyRegistered(msg.sender, key);
    }

    /// @notice A member's note key; (0, 0) when it registered none.
    /// @param member any address
    /// @return the key (x, y)
    function noteKeyOf(address member) external view returns (uint256[2] memory) {
        return _noteKeys[member];
    }

    /// @dev On the curve, and 8 (x, y) is not the identity (projective doublings: no inverse needed).
    function _isUsableKey(uint256 x, uint256 y) private pure returns (bool) {
        if (x >= P || y >= P) return false;
        uint256 xx = mulmod(x, x, P);
        uint256 yy = mulmod(y, y, P);
        if (addmod(mulmod(A, xx, P), yy, P) != addmod(1, mulmod(D, mulmod(xx, yy, P), P), P)) return false;
        uint256 px = x;
        uint256 py = y;
        uint256 pz = 1;
        for (uint256 i = 0; i < 3; ++i) {
            (px, py, pz) = _double(px, py, pz);
        }
        return !(px == 0 && py == pz);
    }

    /// @dev Projective doubling on a twisted Edwards curve (dbl-2008-bbjlp).
    function _double(uint256 x, uint256 y, uint256 z) private pure returns (uint256, uint256, uint256) {
        uint256 b = mulmod(addmod(x, y, P), addmod(x, y, P), P);
        uint256 c = mulmod(x, x, P);
        uint256 d = mulmod(y, y, P);
        uint256 e = mulmod(A, c, P);
        uint256 f = addmod(e, d, P);
        uint256 h = mulmod(z, z, P);
        uint256 j = addmod(f, P - mulmod(2, h, P), P);
        uint256 x3 = mulmod(addmod(b, P - addmod(c, d, P), P), j, P);
        uint256 y3 = mulmod(f, addmod(e, P - d, P), P);
        return (x3, y3, mulmod(f, j, P));
    }
}
