// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DigitalCashErrors} from "./DigitalCashErrors.sol";

/// @title Digital cash: tokenized CNY deposits, 1 unit = 1 fen (2 decimals).
/// @dev Holders are ACTIVE BANKs and ENTERPRISEs of the participant registry. Nobody holds an admin
///      role: who settles is fixed at construction (the bill registry that created the contract), and
///      each bank mints only within the limit a REGULATOR set.
interface IDigitalCash is IERC20, DigitalCashErrors {
    event CashMinted(address indexed bank, address indexed to, uint256 amount);
    event CashSettled(address indexed payer, address indexed payee, uint256 amount);
    event MintLimitSet(address indexed bank, uint256 limit, address indexed regulator);
    /// @dev A key recovery moved `amount` fen, and a bank's mint limit and minted total, to the new address.
    event CashRecovered(address indexed account, address indexed newAccount, uint256 amount);

    /// @notice Mints `amount` fen to `to`: an active BANK, within its mint limit.
    /// @param to an active BANK or ENTERPRISE
    /// @param amount in fen, more than 0
    function mint(address to, uint256 amount) external;

    /// @notice Sets how much `bank` may mint in all (it may be below what it minted: then it mints no
    ///         more). An active REGULATOR only.
    /// @param bank a BANK
    /// @param limit in fen
    function setMintLimit(address bank, uint256 limit) external;

    /// @notice A bank's mint limit and what it minted so far.
    /// @param bank any address
    /// @return limit in fen (0 until a regulator sets one)
    /// @return minted in fen, in all
    function mintLimitOf(address bank) external view returns (uint256 limit, uint256 minted);

    /// @notice Moves `amount` from `payer` to `payee` for a bill settlement.
    /// @dev Only the bill registry that created this contract, which passes its own msg.sender as
    ///      `payer`: cash moves on someone's behalf only in a transaction that payer signed.
    /// @param payer who pays: the bill registry's own caller
    /// @param payee who is paid
    /// @param amount in fen
    function settle(address payer, address payee, uint256 amount) external;

    /// @notice Moves `account`'s balance, mint limit and minted total to `newAccount`: a key recovery.
    /// @dev Only the participant registry, which completes a recovery three parties took turns in.
    /// @param account the participant's old address
    /// @param newAccount its new address
    function moveHolder(address account, address newAccount) external;

    /// @notice Who may settle: the bill registry that created this contract, fixed for good.
    /// @return the settler's address
    function settler() external view returns (address);

    /// @notice Sum of all mints (equals totalSupply; nothing burns).
    /// @return the fen ever minted
    function totalMinted() external view returns (uint256);
}
