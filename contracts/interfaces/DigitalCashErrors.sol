// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice Failures of digital cash (each maps to one API problem code).
interface DigitalCashErrors {
    /// @dev FORBIDDEN: only an active BANK mints; only the bill registry settles.
    error CashRoleForbidden(address account);
    /// @dev INVALID_COUNTERPARTY: cash moves only between BANKs and ENTERPRISEs.
    error CashHolderNotPermitted(address account);
    /// @dev PARTICIPANT_FROZEN: a frozen participant's cash cannot move.
    error CashHolderFrozen(address account);
    /// @dev VALIDATION_ERROR: amounts are > 0.
    error CashInvalidAmount(uint256 amount);
    /// @dev INSUFFICIENT_CASH: the payer holds less than the amount.
    error CashInsufficient(address payer, uint256 balance, uint256 needed);
}
