// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title The smallest ERC-1271 contract wallet: it accepts what its one owner key signed.
/// @dev Stands in for a bank's multisig in tests and docs/SIGNING.md: the relay asks the wallet
///      (SignatureChecker), so any wallet rule (k of n, a daily limit) signs the same way.
contract OwnedWallet is IERC1271 {
    address private immutable _owner;

    constructor(address owner) {
        // A deployment's check, read by whoever deploys; no caller decodes it (an error would join the ABI).
        // solhint-disable-next-line gas-custom-errors
        require(owner != address(0), "OwnedWallet: no owner");
        _owner = owner;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecover(hash, signature);
        bool valid = error == ECDSA.RecoverError.NoError && recovered == _owner;
        return valid ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
