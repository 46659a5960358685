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
    function verify(address key, Proof calldata proof, uint256[] calldata inputs) external view returns (bool ok) {
        uint256 n = inputs.length;
        uint256 words = HEADER_WORDS + 2 * (n + 1);
        if (key.code.length != 1 + 32 * words) revert VerifyingKeyShape(key, n);
        uint256[] memory vk = new uint256[](words);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(key, add(vk, 32), 1, mul(words, 32))
        }
        return _pairingHolds(proof, vk, _inputsPoint(vk, inputs));
    }

    /// @dev IC[0] + sum of inputs[i] * IC[i + 1]: the public inputs' point.
    function _inputsPoint(uint256[] memory vk, uint256[] calldata inputs) private view returns (uint256[2] memory acc) {
        acc = [vk[HEADER_WORDS], vk[HEADER_WORDS + 1]];
        uint256 n = inputs.length;
        for (uint256 i = 0; i < n;) {
            if (inputs[i] >= FIELD) revert PublicInputOutOfField(i);
            uint256 base = HEADER_WORDS + 2 * (i + 1);
            acc = _add(acc, _mul([vk[base], vk[base + 1]], inputs[i]));
            unchecked {
                ++i;
            }
        }
    }

    /// @dev e(-A, B) * e(alpha, beta) * e(inputs, gamma) * e(C, delta) == 1
    function _pairingHolds(
        Proof calldata proof,
        uint256[] memory vk,
        uint256[2] memory acc
    ) private view returns (bool) {
        uint256 negAy = proof.a[1] == 0 ? 0 : BASE_FIELD - (proof.a[1] % BASE_FIELD);
        uint256[24] memory pairs = [
            proof.a[0],
            negAy,
            proof.b[0][0],
            proof.b[0][1],
            proof.b[1][0],
            proof.b[1][1],
            vk[0],
            vk[1],
            vk[2],
            vk[3],
            vk[4],
            vk[5],
            acc[0],
            acc[1],
            vk[6],
            vk[7],
            vk[8],
            vk[9],
            proof.c[0],
            proof.c[1],
            vk[10],
            vk[11],
            vk[12],
            vk[13]
        ];
        uint256[1] memory result;
        bool success;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            success := staticcall(gas(), 0x08, pairs, 768, result, 32)
        }
        return success && result[0] == 1;
    }

    function _add(uint256[2] memory p, uint256[2] memory q) private view returns (uint256[2] memory r) {
        uint256[4] memory args = [p[0], p[1], q[0], q[1]];
        bool success;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            success := staticcall(gas(), 0x06, args, 128, r, 64)
        }
        if (!success) revert NotOnCurve();
    }

    function _mul(uint256[2] memory p, uint256 s) private view returns (uint256[2] memory r) {
        uint256[3] memory args = [p[0], p[1], s];
        bool success;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            success := staticcall(gas(), 0x07, args, 96, r, 64)
        }
        if (!success) revert NotOnCurve();
    }
}
