// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice Failures of the participant registry (each maps to one API problem code).
interface ParticipantRegistryErrors {
    /// @dev FORBIDDEN: the caller's role may not do this.
    error ParticipantRoleForbidden(address account, uint8 role);
    /// @dev NOT_FOUND: the address was never onboarded.
    error ParticipantNotRegistered(address account);
    /// @dev INVALID_STATE: the address is onboarded already.
    error ParticipantAlreadyRegistered(address account);
    /// @dev INVALID_COUNTERPARTY: no one can act as this address (the zero address, the relay).
    error ParticipantInvalidAccount(address account);
    /// @dev INVALID_STATE: another account was onboarded with this participant id.
    error ParticipantIdTaken(string id, address account);
    /// @dev VALIDATION_ERROR: a participant id is a slug (API.md: ^[a-z][a-z0-9-]{2,39}$); a name 1 to 800 bytes
    ///      (200 characters of UTF-8); a credit code at most 18 bytes.
    error ParticipantInvalidProfile(string id);
    /// @dev VALIDATION_ERROR: role outside BANK, ENTERPRISE, REGULATOR.
    error ParticipantInvalidRole(uint8 role);
    /// @dev PARTICIPANT_FROZEN: the participant is frozen.
    error ParticipantFrozen(address account);
    /// @dev INVALID_STATE: freeze of a frozen participant, unfreeze of an active one.
    error ParticipantInvalidStatus(address account, uint8 status);
    /// @dev NONCE_USED: a signed operation's nonce is not the signer's next one (OpenZeppelin Nonces' error).
    error InvalidAccountNonce(address account, uint256 currentNonce);
    /// @dev FORBIDDEN: the OPERATOR may not undo a REGULATOR's freeze, nor freeze or unfreeze a REGULATOR.
    error ParticipantRegulatorDecides(address account);
    /// @dev FORBIDDEN: a REGULATOR awaiting an ACTIVE REGULATOR's approval can do nothing.
    error ParticipantPending(address account);
    /// @dev INVALID_STATE: approval of a participant that is not PENDING.
    error ParticipantNotPending(address account, uint8 status);
    /// @dev INVALID_STATE: another gateway serves this participant (docs/GATEWAYS.md).
    error ParticipantServedElsewhere(address account, address gateway);
    /// @dev INVALID_STATE: no key recovery of this participant is in the state the operation needs (none
    ///      requested, one approved already, not yet effective, or one that took effect).
    error RecoveryInvalidState(address account);
    /// @dev FORBIDDEN: a participant's own key recovery is approved by another REGULATOR.
    error RecoveryOwnApproval(address account);
    /// @dev NOT_PARTY: only the participant itself, with its current key, cancels its key recovery.
    error RecoveryNotParty(address account, address caller);
}
