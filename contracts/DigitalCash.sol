// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDigitalCash} from "./interfaces/IDigitalCash.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {MemberStatus, Operation, rolesFor} from "./types/BillTypes.sol";

/// @title Digital cash of billchain.
contract DigitalCash is IDigitalCash, ERC20, AccessControl {
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER");

    IParticipantRegistry private immutable _registry;
    uint256 private _totalMinted;

    constructor(IParticipantRegistry registry, address admin) ERC20("billchain digital CNY", "dCNY") {
        _registry = registry;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    function decimals() public pure override returns (uint8) {
        return 2;
    }

    /// @inheritdoc IDigitalCash
    function mint(address to, uint256 amount) external {
        IParticipantRegistry.Member memory bank = _registry.member(msg.sender);
        if (!_may(bank, Operation.MINT)) revert CashRoleForbidden(msg.sender);
        if (amount == 0) revert CashInvalidAmount(amount);
        _requireHolder(msg.sender);
        _totalMinted += amount;
        _mint(to, amount);
        emit CashMinted(msg.sender, to, amount);
    }

    /// @inheritdoc IDigitalCash
    function settle(address payer, address payee, uint256 amount) external {
        if (!hasRole(SETTLER_ROLE, msg.sender)) revert CashRoleForbidden(msg.sender);
        uint256 balance = balanceOf(payer);
        if (balance < amount) revert CashInsufficient(payer, balance, amount);
        _transfer(payer, payee, amount);
        emit CashSettled(payer, payee, amount);
    }

    /// @notice Disabled: nobody but the bill registry moves cash on another's behalf.
    function approve(address, uint256) public pure override(ERC20, IERC20) returns (bool) {
        revert CashRoleForbidden(address(0));
    }

    /// @notice Disabled: nobody but the bill registry moves cash on another's behalf.
    function transferFrom(address, address, uint256) public pure override(ERC20, IERC20) returns (bool) {
        revert CashRoleForbidden(address(0));
    }

    /// @inheritdoc IDigitalCash
    function totalMinted() external view returns (uint256) {
        return _totalMinted;
    }

    /// @dev Every movement (mint, transfer, settlement) is between permitted, active holders.
    function _update(address from, address to, uint256 value) internal override {
        if (value == 0) revert CashInvalidAmount(value);
        if (from != address(0)) {
            _requireHolder(from);
            uint256 balance = balanceOf(from);
            if (balance < value) revert CashInsufficient(from, balance, value);
        }
        _requireHolder(to);
        super._update(from, to, value);
    }

    /// @dev Who may hold cash is who may move it: BANKs and ENTERPRISEs (Operation.TRANSFER_CASH).
    function _requireHolder(address account) private view {
        IParticipantRegistry.Member memory holder = _registry.member(account);
        if (!_may(holder, Operation.TRANSFER_CASH)) revert CashHolderNotPermitted(account);
        if (holder.status != uint8(MemberStatus.ACTIVE)) revert CashHolderFrozen(account);
    }

    function _may(IParticipantRegistry.Member memory m, Operation operation) private pure returns (bool) {
        return (rolesFor(operation) & (uint8(1) << m.role)) != 0;
    }
}
