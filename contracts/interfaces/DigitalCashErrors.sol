// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice Failures of digital cash (each maps to one API problem code).
interface DigitalCashErrors {
    /// @dev FORBIDDEN: only an active BANK mints, only a REGULATOR sets mint limits, only the bill registry
    ///      that created this contract settles.
    error CashRoleForbidden(address account);
    /// @dev MINT_LIMIT_EXCEEDED: the bank would mint past the limit a regulator set (0 until one is set).
    error CashMintLimitExceeded(address bank, uint256 limit, uint256 minted, uint256 amount);
    /// @dev INVALID_COUNTERPARTY: cash moves only between BANKs and ENTERPRISEs.
    error CashHolderNotPermitted(address account);
    /// @dev PARTICIPANT_FROZEN: a frozen participant's cash cannot move.
    error CashHolderFrozen(address account);
    /// @dev VALIDATION_ERROR: amounts are > 0.
    error CashInvalidAmount(uint256 amount);
    /// @dev INSUFFICIENT_CASH: the payer holds less than the amount.
    error CashInsufficient(address payer, uint256 balance, uint256 needed);
}
