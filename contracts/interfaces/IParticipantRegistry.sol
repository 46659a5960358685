// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ParticipantRegistryErrors} from "./ParticipantRegistryErrors.sol";

/// @title Who may act on billchain: roles, member codes and ACTIVE/FROZEN status.
/// @dev Roles and statuses are the enums of types/BillTypes.sol. The platform OPERATOR is an
///      AccessControl role, not a member; who may grant it is fixed at deployment (a timelock: an
///      operator added or replaced is seen coming). A freeze a REGULATOR made is a REGULATOR's to undo.
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
        address indexed account, uint32 code, uint8 role, string id, string name, string creditCode
    );
    event ParticipantStatusChanged(address indexed account, uint8 status, address indexed by);

    /// @notice Onboards `account` with `role` under the participant id `id`, unique on the chain; assigns
    ///         the next member code. OPERATOR only. Neither the zero address nor the relay (whose calls
    ///         always act for a signer) can be a member.
    /// @param account the participant's address
    /// @param role a Role: BANK, ENTERPRISE or REGULATOR
    /// @param id what clients of every gateway name it by (1 to 64 bytes)
    /// @param name its legal name (1 to 800 bytes of UTF-8)
    /// @param creditCode its unified social credit code (GB 32100-2015), or empty
    /// @return code the member code, in onboarding order (1, 2, ...)
    function register(
        address account,
        uint8 role,
        string calldata id,
        string calldata name,
        string calldata creditCode
    ) external returns (uint32 code);

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
    function useNonce(address account, uint256 nonce) external;

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
    function member(address account) external view returns (Member memory);

    /// @notice The account holding member code `code`.
    /// @param code a member code
    /// @return the account (the zero address when none)
    function accountOf(uint32 code) external view returns (address);

    /// @notice How many participants were onboarded.
    /// @return the last member code
    function memberCount() external view returns (uint32);

    /// @notice Whether `account` has the OPERATOR role.
    /// @param account any address
    /// @return true for an operator
    function isOperator(address account) external view returns (bool);
}
