// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DigitalCashErrors} from "./DigitalCashErrors.sol";

/// @title Digital cash: tokenized CNY deposits, 1 unit = 1 fen (2 decimals).
/// @dev Holders are ACTIVE BANKs and ENTERPRISEs of the participant registry.
interface IDigitalCash is IERC20, DigitalCashErrors {
    event CashMinted(address indexed bank, address indexed to, uint256 amount);
    event CashSettled(address indexed payer, address indexed payee, uint256 amount);

    /// @notice Mints `amount` fen to `to`. An active BANK only.
    function mint(address to, uint256 amount) external;

    /// @notice Moves `amount` from `payer` to `payee` for a bill settlement.
    /// @dev Only the bill registry, which passes its own msg.sender as `payer`:
    ///      cash moves on someone's behalf only in a transaction that payer signed.
    function settle(address payer, address payee, uint256 amount) external;

    /// @notice Sum of all mints (equals totalSupply; nothing burns).
    function totalMinted() external view returns (uint256);
}
