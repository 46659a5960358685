// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title One Groth16 verifier (BN254) for every circuit: the circuit's verification key is the code of
///        a data contract, read with EXTCODECOPY (docs/PRIVACY.md §9: our own template, not snarkjs's).
/// @dev A key is laid out as 32-byte words: alpha1 (x, y), beta2, gamma2, delta2 (each x.im, x.re,
///      y.im, y.re, the order the EIP-197 precompile reads), then IC[0..n] (x, y), after one leading
///      0x00 byte that keeps the data contract uncallable. The contract that pins a key pins its
///      address, and a deployment checks the key's hash (chain/zk/vkey.py). A proof's points must be on
///      the curve (the precompiles refuse others) and every public input below the field's order, so no
///      input has a second encoding.
contract Groth16Verifier {
    uint256 private constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 private constant BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    uint256 private constant HEADER_WORDS = 14;

    /// @dev VALIDATION_ERROR: the key's data contract does not hold a key for this many public inputs.
    error VerifyingKeyShape(address key, uint256 inputs);
    /// @dev VALIDATION_ERROR: a public input is not below the field's order.
    error PublicInputOutOfField(uint256 index);
    /// @dev VALIDATION_ERROR: a point of the verification key is not on the curve.
    error NotOnCurve();

    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice Whether `proof` proves `inputs` for the circuit whose key is the code of `key`.
    /// @param key the data contract holding the verification key
    /// @param proof the proof, G2 coordinates in the precompile's order
    /// @param inputs the public signals, in the circuit's order
    /// @return ok true when the pairing check holds
    /// @dev In assembly, so that each public signal costs its ecMul and ecAdd and little more: the key is
    ///      copied into memory this call claims, the inputs' point accumulated beside it, the pairing's 24
    ///      words laid out after that.
    function verify(address key, Proof calldata proof, uint256[] calldata inputs) external view returns (bool ok) {
        uint256 n = inputs.length;
        uint256 words = HEADER_WORDS + 2 * (n + 1);
        if (key.code.length != 1 + 32 * words) revert VerifyingKeyShape(key, n);
        for (uint256 i = 0; i < n;) {
            if (inputs[i] >= FIELD) revert PublicInputOutOfField(i);
            unchecked {
                ++i;
            }
        }
        if (proof.a[1] >= BASE_FIELD) return false; // a second encoding of A's y: no proof of ours
        uint256 vk;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            vk := mload(0x40)
            mstore(0x40, add(vk, add(mul(words, 32), 928))) // the key, acc and term (160), the pairing's (768)
            extcodecopy(key, vk, 1, mul(words, 32))
        }
        uint256 acc = vk + 32 * words;
        if (!_accumulate(vk, acc, inputs)) revert NotOnCurve();
        return _pairingHolds(proof, vk, acc);
    }

    /// @dev Writes IC[0] + sum of inputs[i] * IC[i + 1] at `acc` (2 words; 3 more after it are scratch);
    ///      false when a precompile refuses a point of the key.
    function _accumulate(uint256 vk, uint256 acc, uint256[] calldata inputs) private view returns (bool onCurve) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let term := add(acc, 64) // x, y, scalar; then the product's x, y
            let ic := add(vk, mul(HEADER_WORDS, 32))
            mstore(acc, mload(ic))
            mstore(add(acc, 32), mload(add(ic, 32)))
            onCurve := 1
            for {
                let i := 0
            } lt(i, inputs.length) {
                i := add(i, 1)
            } {
                ic := add(ic, 64)
                mstore(term, mload(ic))
                mstore(add(term, 32), mload(add(ic, 32)))
                mstore(add(term, 64), calldataload(add(inputs.offset, mul(i, 32))))
                onCurve := and(onCurve, staticcall(gas(), 0x07, term, 96, term, 64))
                onCurve := and(onCurve, staticcall(gas(), 0x06, acc, 128, acc, 64))
            }
        }
    }

    /// @dev e(-A, B) * e(alpha, beta) * e(inputs, gamma) * e(C, delta) == 1, laid out after `acc`'s scratch.
    function _pairingHolds(Proof calldata proof, uint256 vk, uint256 acc) private view returns (bool holds) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let p := add(acc, 160)
            mstore(p, calldataload(proof))
            mstore(add(p, 32), mod(sub(BASE_FIELD, calldataload(add(proof, 32))), BASE_FIELD)) // -A
            calldatacopy(add(p, 64), add(proof, 64), 128) // B
            for {
                let w := 0
            } lt(w, 6) {
                w := add(w, 1)
            } {
                mstore(add(p, add(192, mul(w, 32))), mload(add(vk, mul(w, 32)))) // alpha1, beta2
            }
            mstore(add(p, 384), mload(acc))
            mstore(add(p, 416), mload(add(acc, 32)))
            for {
                let w := 0
            } lt(w, 4) {
                w := add(w, 1)
            } {
                mstore(add(p, add(448, mul(w, 32))), mload(add(vk, add(192, mul(w, 32))))) // gamma2
                mstore(add(p, add(640, mul(w, 32))), mload(add(vk, add(320, mul(w, 32))))) // delta2
            }
            calldatacopy(add(p, 576), add(proof, 192), 64) // C
            let paired := staticcall(gas(), 0x08, p, 768, p, 32)
            holds := and(paired, eq(mload(p), 1))
        }
    }
}
