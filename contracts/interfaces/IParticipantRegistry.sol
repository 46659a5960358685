// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ParticipantRegistryErrors} from "./ParticipantRegistryErrors.sol";

/// @title Who may act on billchain: roles, member codes and ACTIVE/FROZEN status.
/// @dev Roles: 1 BANK, 2 ENTERPRISE, 3 REGULATOR. The platform OPERATOR is an
///      AccessControl role, not a member. Status: 1 ACTIVE, 2 FROZEN.
interface IParticipantRegistry is ParticipantRegistryErrors {
    struct Member {
        uint32 code;
        uint8 role;
        uint8 status;
    }

    event ParticipantRegistered(address indexed account, uint32 code, uint8 role);
    event ParticipantStatusChanged(address indexed account, uint8 status, address indexed by);

    /// @notice Onboards `account` with `role`; assigns the next member code. OPERATOR only.
    function register(address account, uint8 role) external returns (uint32 code);

    /// @notice Freezes a participant. OPERATOR or an active REGULATOR.
    function freeze(address account) external;

    /// @notice Unfreezes a participant. OPERATOR or an active REGULATOR.
    function unfreeze(address account) external;

    /// @notice The member record of `account` (code 0 when not registered).
    function member(address account) external view returns (Member memory);

    /// @notice The account holding member code `code` (zero address when none).
    function accountOf(uint32 code) external view returns (address);

    /// @notice How many participants were onboarded.
    function memberCount() external view returns (uint32);

    /// @notice True when `account` has the OPERATOR role.
    function isOperator(address account) external view returns (bool);
}
