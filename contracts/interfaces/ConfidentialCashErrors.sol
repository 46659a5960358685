// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice Failures of confidential cash beyond digital cash's own (each maps to one API problem code).
interface ConfidentialCashErrors {
    /// @dev INVALID_STATE: the proof names a root the note tree never had (prove again on a current one).
    error UnknownRoot(uint256 root);
    /// @dev INVALID_STATE: the note was spent already (its nullifier is known).
    error NullifierSpent(uint256 nullifier);
    /// @dev VALIDATION_ERROR: one transfer spends the same note twice.
    error DuplicateNullifier(uint256 nullifier);
    /// @dev BAD_SIGNATURE: the proof does not verify: not its notes' owner's, or not over these public
    ///      signals (a changed value, note, ciphertext or viewing key).
    error InvalidProof();
    /// @dev VALIDATION_ERROR: the proof is dated another day than the block's (Asia/Shanghai): prove again.
    error WrongDay(uint256 day, uint256 today);
    /// @dev INVALID_STATE: the range note is locked by a pending discount.
    error NoteLocked(uint256 nullifier);
    /// @dev NOT_FOUND: no pending discount has this id.
    error DiscountNotPending(uint256 id);
    /// @dev NOT_FOUND: no pending presentment has this id.
    error PresentmentNotPending(uint256 id);
    /// @dev NOT_PARTY: the key does not cancel this pending discount: only its holder and its bank can compute
    ///      the one that does.
    error NotDiscountParty(uint256 id);
    /// @dev VALIDATION_ERROR: the payment does not make the cash note the discount's proof fixed (another
    ///      price, or another payee).
    error PaymentMismatch(uint256 expected, uint256 paid);
    /// @dev INVALID_STATE: the note is in the tree already (a replayed mint or issue, or a copied note): two
    ///      leaves of one note would share its nullifier, so one of them could never be spent.
    error DuplicateNote(uint256 commitment);
    /// @dev INVALID_STATE: this payment makes the price a pending discount awaits: it is paid only by signing
    ///      that discount (delivery versus payment), never as a plain transfer.
    error PaymentAwaited(uint256 id);
    /// @dev INVALID_STATE: this cash note is a cancelled discount's price: neither that request nor its payment
    ///      can be sent again (a revoke or a reject is final).
    error DiscountCancelled(uint256 commitment);
    /// @dev VALIDATION_ERROR: not a note key: off the curve, or of its small subgroup (anyone could open notes to it).
    error NoteKeyInvalid(uint256 x, uint256 y);
    /// @dev INVALID_STATE: another member registered this note key: a key is one member's for good.
    error NoteKeyTaken(address member);
    /// @dev INVALID_STATE: the note tree is full (2^20 leaves).
    error TreeFull();
}
