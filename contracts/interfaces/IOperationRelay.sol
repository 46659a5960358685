// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title The operations a participant signs (EIP-712) and anyone may relay to the platform's contracts.
/// @notice docs/SIGNING.md: every operation is one typed struct whose fields are the operation's own
///         terms, then `signer`, `nonce` and `deadline`; `operationType(selector)` gives its type string.
interface IOperationRelay {
    /// @notice The signature was checked after its deadline (a unix time, compared with the block's).
    /// @dev SIGNATURE_EXPIRED
    error RelaySignatureExpired(uint256 deadline, uint256 timestamp);
    /// @notice The signature is not `signer`'s over this operation, on this chain, for this relay.
    /// @dev BAD_SIGNATURE
    error RelayBadSignature(address signer);
    /// @notice No operation of the platform has this selector.
    /// @dev VALIDATION_ERROR
    error RelayUnknownOperation(bytes4 selector);
    /// @notice Operation `index` of a batch reverted with `reason` (its own error, unchanged): none of the
    ///         batch's operations happened.
    /// @dev VALIDATION_ERROR: when `reason` is no error of the platform's; else the code of `reason`, its own.
    error RelayBatchItemFailed(uint256 index, bytes reason);
    /// @notice A batch holds no operation, or more than the relay takes in one transaction.
    /// @dev VALIDATION_ERROR
    error RelayBatchInvalidSize(uint256 size);

    /// @notice One signed operation of a batch: `execute`'s arguments.
    struct Operation {
        bytes call;
        address signer;
        uint256 nonce;
        uint256 deadline;
        bytes signature;
    }

    /// @notice Checks `signer`'s EIP-712 signature over the operation `call` (the target's calldata), uses
    ///         `nonce` (the signer's next one: each signature acts once), then calls the operation's contract
    ///         for the signer (ERC-2771: the signer's address appended to the calldata). A revert of the
    ///         operation comes back unchanged, and then the nonce is not used. What the operation returns
    ///         is in its events (a relayed call returns nothing).
    /// @param call the operation's calldata, exactly as the signer would send it itself
    /// @param signer who signed: an account, or a contract wallet that answers ERC-1271
    /// @param nonce `nonces(signer)` when the operation runs
    /// @param deadline the last unix time (block timestamp) at which the operation may run
    /// @param signature 65 bytes (r, s, v) from an account, or what the contract wallet checks
    function execute(
        bytes calldata call,
        address signer,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Runs signed operations, of one signer or many, in one transaction and in their order, all or
    ///         nothing. Each item is signed as an item of this very batch: its signer signs
    ///         `BatchItem(bytes32 batch,<Operation> operation)`, `batch` being `batchOf(operations)`, so no item
    ///         acts outside its batch (alone through `execute`, or in another batch, a reverted one's included).
    ///         Otherwise each is checked and run as `execute` runs it alone (the deadline, the signature, the
    ///         signer's nonce, the operation's own rules for its signer). When one reverts, the whole batch
    ///         reverts with `RelayBatchItemFailed(index, its error)`; a bad signature, an expired deadline or a
    ///         wrong nonce reverts with its own error, which names the signer (the relayer checks those first).
    /// @param operations 1 to 256 signed operations; one signer's operations take consecutive nonces
    function executeBatch(Operation[] calldata operations) external;

    /// @notice One item of a bundle ran: `signer`'s operation with `nonce` took effect.
    /// @param index the item's place in the bundle
    /// @param signer who signed it
    /// @param nonce the nonce it used
    event BundleItemExecuted(uint256 index, address indexed signer, uint256 nonce);

    /// @notice One item of a bundle failed and changed nothing (its nonce stays unused): `reason` is its
    ///         error, as `execute` would have reverted with it alone.
    /// @param index the item's place in the bundle
    /// @param signer who signed it
    /// @param nonce the nonce it named
    /// @param reason the item's revert data (empty when it ran out of gas)
    event BundleItemFailed(uint256 index, address indexed signer, uint256 nonce, bytes reason);

    /// @notice Runs signed operations of many callers in one transaction, each on its own: an item is an
    ///         ordinary signed operation (what `execute` takes, signed as for `execute`), checked and run as
    ///         `execute` runs it; one that fails changes nothing and leaves the others to run. Each item's
    ///         outcome is an event: `BundleItemExecuted` or `BundleItemFailed(index, signer, nonce, reason)`.
    ///         Unlike `executeBatch` nothing binds the items together: each could have been sent alone, so
    ///         taking one out of a bundle gives no one anything its signer did not sign.
    /// @param operations 1 to 256 signed operations; one signer's items take consecutive nonces (an item
    ///        after a failed one of the same signer then fails too, on its nonce)
    function executeBundle(Operation[] calldata operations) external;

    /// @notice The batch its items' signers sign: keccak256 of the items' ids in order, an item's id being
    ///         keccak256(abi.encode(keccak256(call), signer, nonce, deadline)) (signatures play no part).
    /// @param operations the batch's items (their signatures are ignored)
    /// @return the batch's hash
    function batchOf(Operation[] calldata operations) external pure returns (bytes32);

    /// @notice The EIP-712 digest `signer` signs for the operation `call` as an item of `batch`.
    /// @param batch `batchOf` the batch's items
    /// @param call the operation's calldata
    /// @param signer who signs
    /// @param nonce the signer's nonce the operation is to use
    /// @param deadline the last unix time at which it may run
    /// @return digest the hash to sign
    function batchItemDigestOf(
        bytes32 batch,
        bytes calldata call,
        address signer,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32 digest);

    /// @notice The EIP-712 digest `signer` signs for the operation `call`, under `nonce` and `deadline`.
    /// @param call the operation's calldata
    /// @param signer who signs
    /// @param nonce the signer's nonce the operation is to use
    /// @param deadline the last unix time at which it may run
    /// @return digest the hash to sign (`\x19\x01` ‖ domain separator ‖ struct hash)
    function digestOf(
        bytes calldata call,
        address signer,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32 digest);

    /// @notice The EIP-712 type of the operation a selector starts, the contract it goes to, and how its
    ///         struct is built: 0 the call's own arguments, 1 the same with the reason string hashed,
    ///         2 a transfer's id then its terms read from the bill registry (`transferTerms`).
    /// @param selector the first four bytes of the operation's calldata
    /// @return typeString e.g. "Accept(uint256 billId,address signer,uint256 nonce,uint256 deadline)"
    /// @return target the contract that runs the operation
    /// @return shape 0, 1 or 2 as above
    function operationType(
        bytes4 selector
    ) external view returns (string memory typeString, address target, uint8 shape);
}
