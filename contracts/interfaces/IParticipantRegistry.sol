// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ParticipantRegistryErrors} from "./ParticipantRegistryErrors.sol";

/// @title Who may act on billchain: roles, member codes and ACTIVE/FROZEN/PENDING status.
/// @dev Roles and statuses are the enums of types/BillTypes.sol. The platform OPERATOR is an
///      AccessControl role, not a member; who may grant it is fixed at deployment (a timelock: an
///      operator added or replaced is seen coming). A freeze a REGULATOR made is a REGULATOR's to undo.
///      The OPERATOR admits a REGULATOR alone only while no REGULATOR is ACTIVE; any later one is PENDING,
///      and can do nothing, until an ACTIVE REGULATOR approves it (DOMAIN.md, "Roles").
interface IParticipantRegistry is ParticipantRegistryErrors {
    /// @dev `role` is a Role, `status` a MemberStatus (types/BillTypes.sol), kept as uint8 so that reading a
    ///      member (on every call of every operation) decodes without an enum range check.
    struct Member {
        uint32 code;
        uint8 role;
        uint8 status;
    }

    /// @dev Every gateway builds its participant directory from these: who a member is, in words, and the
    ///      id clients name it by. The id is unique on the chain; name and credit code are as the operator
    ///      onboarded them (the credit code empty when none).
    event ParticipantRegistered(
        address indexed account,
        uint32 code,
        uint8 role,
        string id,
        string name,
        string creditCode
    );
    /// @dev A status set by `by`: FROZEN or ACTIVE again, PENDING (a REGULATOR admitted while another is ACTIVE,
    ///      emitted right after its registration), ACTIVE (a pending REGULATOR approved).
    event ParticipantStatusChanged(address indexed account, uint8 status, address indexed by);
    /// @dev The gateway that serves `account` (issues its API tokens, holds its key or relays what it signs),
    ///      named by that gateway's operator address; the zero address when released.
    event ParticipantServed(address indexed account, address indexed gateway);
    /// @dev The OPERATOR asked that `account`'s member record move to `newAccount` (its key lost).
    event RecoveryRequested(address indexed account, address newAccount, address indexed by);
    /// @dev A REGULATOR approved it: it takes effect at `effectiveAt` (unix seconds) unless cancelled.
    event RecoveryApproved(address indexed account, address newAccount, uint256 effectiveAt, address indexed by);
    /// @dev The participant cancelled it with its current key (or a new request replaced an unapproved one).
    event RecoveryCancelled(address indexed account, address indexed by);
    /// @dev The member record (code, role, status, nonce), the id, the gateway and the cash of `account` are
    ///      `newAccount`'s now; `account` is no member any more.
    event ParticipantRecovered(address indexed account, address indexed newAccount, uint32 code);

    /// @notice Onboards `account` with `role` under the participant id `id`, unique on the chain; assigns
    ///         the next member code. OPERATOR only. Neither the zero address nor the relay (whose calls
    ///         always act for a signer) can be a member. A REGULATOR is ACTIVE at once only while no other
    ///         is ACTIVE; else it is PENDING until an ACTIVE REGULATOR approves it (`approve`).
    /// @param account the participant's address
    /// @param role a Role: BANK, ENTERPRISE or REGULATOR
    /// @param id what clients of every gateway name it by: a slug, ^[a-z][a-z0-9-]{2,39}$ (API.md)
    /// @param name its legal name (1 to 800 bytes of UTF-8)
    /// @param creditCode its unified social credit code (GB 32100-2015), or empty
    /// @param gateway the gateway that serves it (its operator's address), or zero: the first to `claim` it
    /// @return code the member code, in onboarding order (1, 2, ...)
    function register(
        address account,
        uint8 role,
        string calldata id,
        string calldata name,
        string calldata creditCode,
        address gateway
    ) external returns (uint32 code);

    /// @notice Makes a PENDING REGULATOR ACTIVE. An ACTIVE REGULATOR only (directly or signed through the relay).
    /// @param account the pending regulator
    function approve(address account) external;

    /// @notice How many REGULATORs are ACTIVE (while none is, the OPERATOR admits one alone).
    /// @return the count
    function activeRegulators() external view returns (uint32);

    /// @notice The caller (a gateway, by its operator's address) serves `account`: it issues its tokens and
    ///         holds its key or relays what it signs. Refused while another gateway serves it.
    /// @param account a member
    function claim(address account) external;

    /// @notice The gateway serving `account` stops serving it: called by that gateway, or by the member itself
    ///         (its own key, or its signature through the relay), which may then be served elsewhere.
    /// @param account a member
    function release(address account) external;

    /// @notice The gateway that serves `account` (its operator's address), or zero.
    /// @param account a member
    /// @return the gateway
    function gatewayOf(address account) external view returns (address);

    /// @notice The account onboarded with participant id `id`.
    /// @param id a participant id
    /// @return the account (the zero address when none)
    function accountOfId(string calldata id) external view returns (address);

    /// @notice The next nonce of `account`'s signed operations (the OperationRelay's).
    /// @param account a member
    /// @return the nonce its next signed operation names (0 for any other address)
    function nonceOf(address account) external view returns (uint256);

    /// @notice Uses `account`'s operation nonce `nonce`: it must be the next one. The OperationRelay only.
    /// @param account the member that signed an operation
    /// @param nonce the nonce its signature names
    function incrementNonce(address account, uint256 nonce) external;

    /// @notice Freezes a participant. An active REGULATOR, or the OPERATOR (not a REGULATOR's account).
    /// @param account the participant
    function freeze(address account) external;

    /// @notice Unfreezes a participant. An active REGULATOR, or the OPERATOR when the OPERATOR froze it.
    /// @param account the participant
    function unfreeze(address account) external;

    /// @notice Whether a REGULATOR froze the participant (then only a REGULATOR unfreezes it).
    /// @param account the participant
    /// @return true while frozen by a regulator
    function frozenByRegulator(address account) external view returns (bool);

    /// @notice The member record of `account`.
    /// @param account any address
    /// @return the record (code 0 when not registered)
    function membershipOf(address account) external view returns (Member memory);

    /// @notice The account holding member code `code`.
    /// @param code a member code
    /// @return the account (the zero address when none)
    function accountOf(uint32 code) external view returns (address);

    /// @notice How many participants were onboarded.
    /// @return the last member code
    function memberCount() external view returns (uint32);

    /// @notice The OPERATOR asks that the participant `account`, whose key is lost, act from `newAccount`
    ///         (a fresh address): it takes effect 72 hours of chain time after a REGULATOR approves it, unless the
    ///         participant cancels it with its current key. A request not yet approved may be replaced.
    /// @param account the participant
    /// @param newAccount its new address (not a member, not the zero address or the relay)
    function requestRecovery(address account, address newAccount) external;

    /// @notice An ACTIVE REGULATOR (not the participant itself) approves the requested recovery of `account` to
    ///         `newAccount`, which it names so that its approval covers that address alone (a request replaced
    ///         meanwhile is not approved). The address is then held for this recovery: no one registers it, nor
    ///         names it in another, until the recovery completes or is cancelled.
    /// @param account the participant
    /// @param newAccount the address the request names
    function approveRecovery(address account, address newAccount) external;

    /// @notice The participant, with its current key (directly or signed through the relay), cancels a recovery
    ///         of itself that has not taken effect, whatever its status: a freeze does not take this answer away.
    /// @param account the participant: the caller
    function cancelRecovery(address account) external;

    /// @notice Anyone completes an approved recovery once it took effect: the member record, the id, the
    ///         gateway, a regulator's freeze and the cash move to the new address (the bill registry knows
    ///         members by code, so every range, transfer, pledge and guarantee follows). From its effective
    ///         time on, the old address is no member: `membershipOf` answers an empty record for it.
    /// @param account the participant's old address
    function completeRecovery(address account) external;

    /// @notice A recovery of `account` requested and not cancelled or completed.
    /// @param account the participant
    /// @return newAccount the address asked for (zero when none)
    /// @return effectiveAt when it takes effect (unix seconds; 0 until a REGULATOR approves it)
    function recoveryOf(address account) external view returns (address newAccount, uint256 effectiveAt);

    /// @notice Whether `account` has the OPERATOR role.
    /// @param account any address
    /// @return true for an operator
    function isOperator(address account) external view returns (bool);
}
