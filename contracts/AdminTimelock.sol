// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title The admin of the participant registry: granting or revoking the OPERATOR role waits out a delay.
/// @dev OpenZeppelin's TimelockController, self-administered (no admin account): the operator proposes (and
///      may cancel), anyone executes once `minDelay` has passed. So the one power the platform keeps over
///      who runs it, adding or replacing an operator, is public on chain for the whole delay before it
///      takes effect: every bank and regulator sees it coming. Nothing else has an admin (docs/SECURITY.md).
contract AdminTimelock is TimelockController {
    /// @param minDelay seconds between a proposal and its execution
    /// @param proposers who may propose and cancel (the operator)
    /// @param executors who may execute (address(0): anyone)
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors
    ) TimelockController(minDelay, proposers, executors, address(0)) {}
}
