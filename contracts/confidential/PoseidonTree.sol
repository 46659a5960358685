// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ConfidentialCashErrors} from "../interfaces/ConfidentialCashErrors.sol";

/// @dev circomlibjs's generated Poseidon(2) contract (chain/zk/ledger.py deploys its bytecode).
interface IPoseidon2 {
    /// @notice Poseidon over BN254's scalar field, two inputs (circomlib's parameters).
    /// @param inputs two field elements
    /// @return the hash, a field element
    function poseidon(uint256[2] memory inputs) external pure returns (uint256);
}

/// @title The append-only binary Poseidon(2) tree of every note's commitment (docs/PRIVACY.md §3.3).
/// @dev Invariants: leaves are only appended, two at a time (an operation's two outputs are siblings);
///      every root the tree ever had stays known, so proofs made against an older root stay valid while
///      other operations land; the empty leaf is 0, which no note's commitment is (a Poseidon output of 0
///      would be a hash preimage); every other leaf is there once (two leaves of one note would share its
///      nullifier: one could never be spent). The JavaScript twin is `Tree` in circuits/js/notes.mjs.
abstract contract PoseidonTree is ConfidentialCashErrors {
    uint256 internal constant DEPTH = 20;

    IPoseidon2 private immutable _hasher;
    uint256 private _size;
    uint256 private _root;
    uint256[DEPTH] private _zeros;
    uint256[DEPTH] private _filled;
    mapping(uint256 root => bool) private _known;
    mapping(uint256 commitment => bool) private _leaves;

    constructor(IPoseidon2 hasher) {
        _hasher = hasher;
        uint256 zero = 0;
        for (uint256 i = 0; i < DEPTH;) {
            _zeros[i] = zero;
            zero = hasher.poseidon([zero, zero]);
            unchecked {
                ++i;
            }
        }
        _root = zero;
        _known[zero] = true;
    }

    /// @dev circomlib's Poseidon(a, b), as the circuits compute it.
    function _hash(uint256 a, uint256 b) internal view returns (uint256) {
        return _hasher.poseidon([a, b]);
    }

    /// @notice The tree's current root.
    /// @return the root
    function root() public view returns (uint256) {
        return _root;
    }

    /// @notice How many leaves the tree holds.
    /// @return the number of leaves
    function size() public view returns (uint256) {
        return _size;
    }

    /// @notice Whether the tree ever had `candidate` as its root.
    /// @param candidate a root
    /// @return true when it did
    function isKnownRoot(uint256 candidate) public view returns (bool) {
        return _known[candidate];
    }

    /// @notice Whether `commitment` is a leaf of the tree.
    /// @param commitment a note's commitment
    /// @return true once appended
    function isLeaf(uint256 commitment) public view returns (bool) {
        return commitment != 0 && _leaves[commitment];
    }

    /// @dev Reverts unless `commitment` is new (0, the empty leaf, always is).
    function _requireNew(uint256 commitment) internal view {
        if (isLeaf(commitment)) revert DuplicateNote(commitment);
    }

    /// @dev Appends `left` and `right` as siblings, each new (or 0) and distinct; returns the index of `left`.
    function _insertPair(uint256 left, uint256 right) internal returns (uint256 index) {
        _requireNew(left);
        _requireNew(right);
        if (left == right && left != 0) revert DuplicateNote(left);
        _leaves[left] = true;
        _leaves[right] = true;
        index = _size;
        if (index + 2 > 2 ** DEPTH) revert TreeFull();
        _size = index + 2;
        uint256 node = _hash(left, right);
        uint256 position = index >> 1;
        for (uint256 level = 1; level < DEPTH;) {
            if (position & 1 == 0) {
                _filled[level] = node;
                node = _hash(node, _zeros[level]);
            } else {
                node = _hash(_filled[level], node);
            }
            position >>= 1;
            unchecked {
                ++level;
            }
        }
        _root = node;
        _known[node] = true;
    }
}
