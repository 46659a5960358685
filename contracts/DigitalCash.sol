// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDigitalCash} from "./interfaces/IDigitalCash.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {MemberStatus, Operation, Role, rolesFor} from "./types/BillTypes.sol";

/// @title Digital cash of billchain.
/// @dev No admin, no role anyone can grant: the settler is the contract that deployed this one (the
///      bill registry creates it in its constructor), and mint limits are a regulator's to set. Who mints,
///      transfers or sets a limit is `_msgSender()`: the caller, or the signer of an operation the
///      OperationRelay runs (docs/SIGNING.md); `settle` answers its settler alone, never a forwarded call.
contract DigitalCash is IDigitalCash, ERC20, ERC2771Context {
    IParticipantRegistry private immutable _registry;
    address private immutable _settler;
    uint256 private _totalMinted;
    mapping(address bank => uint256) private _mintLimits;
    mapping(address bank => uint256) private _minted;

    constructor(
        IParticipantRegistry registry,
        address relay
    ) ERC20("billchain digital CNY", "dCNY") ERC2771Context(relay) {
        _registry = registry;
        _settler = msg.sender;
    }

    /// @notice Cash counts in fen: 2 decimals.
    /// @return 2
    function decimals() public pure override returns (uint8) {
        return 2;
    }

    /// @inheritdoc IDigitalCash
    function mint(address to, uint256 amount) external {
        address minter = _msgSender();
        IParticipantRegistry.Member memory bank = _registry.membershipOf(minter);
        if (!_may(bank, Operation.MINT)) revert CashRoleForbidden(minter);
        if (amount == 0) revert CashInvalidAmount(amount);
        _requireHolder(minter);
        uint256 limit = _mintLimits[minter];
        uint256 minted = _minted[minter];
        if (minted + amount > limit) revert CashMintLimitExceeded(minter, limit, minted, amount);
        _minted[minter] = minted + amount;
        _totalMinted += amount;
        _mint(to, amount);
        emit CashMinted(minter, to, amount);
    }

    /// @inheritdoc IDigitalCash
    function setMintLimit(address bank, uint256 limit) external {
        address sender = _msgSender();
        IParticipantRegistry.Member memory regulator = _registry.membershipOf(sender);
        if (regulator.role != uint8(Role.REGULATOR)) revert CashRoleForbidden(sender);
        if (regulator.status != uint8(MemberStatus.ACTIVE)) {
            if (regulator.status == uint8(MemberStatus.PENDING)) revert CashRoleForbidden(sender);
            revert CashHolderFrozen(sender);
        }
        if (_registry.membershipOf(bank).role != uint8(Role.BANK)) revert CashHolderNotPermitted(bank);
        _mintLimits[bank] = limit;
        emit MintLimitSet(bank, limit, sender);
    }

    /// @inheritdoc IDigitalCash
    function mintLimitOf(address bank) external view returns (uint256 limit, uint256 minted) {
        return (_mintLimits[bank], _minted[bank]);
    }

    /// @inheritdoc IDigitalCash
    function settle(address payer, address payee, uint256 amount) external {
        if (msg.sender != _settler) revert CashRoleForbidden(msg.sender);
        uint256 balance = balanceOf(payer);
        if (balance < amount) revert CashInsufficient(payer, balance, amount);
        _transfer(payer, payee, amount);
        emit CashSettled(payer, payee, amount);
    }

    /// @inheritdoc IDigitalCash
    function moveHolder(address account, address newAccount) external {
        if (msg.sender != address(_registry)) revert CashRoleForbidden(msg.sender);
        uint256 balance = balanceOf(account);
        // ERC20's own bookkeeping, past this contract's holder checks: the old address is no member any more,
        // and the new one is the same participant (a frozen one's cash moves with it, still frozen)
        if (balance != 0) ERC20._update(account, newAccount, balance);
        _mintLimits[newAccount] = _mintLimits[account];
        _minted[newAccount] = _minted[account];
        delete _mintLimits[account];
        delete _minted[account];
        emit CashRecovered(account, newAccount, balance);
    }

    /// @inheritdoc IDigitalCash
    function settler() external view returns (address) {
        return _settler;
    }

    /// @notice Disabled: nobody but the bill registry moves cash on another's behalf.
    /// @return never: it reverts with CashRoleForbidden
    function approve(address, uint256) public pure override(ERC20, IERC20) returns (bool) {
        revert CashRoleForbidden(address(0));
    }

    /// @notice Disabled: nobody but the bill registry moves cash on another's behalf.
    /// @return never: it reverts with CashRoleForbidden
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
        IParticipantRegistry.Member memory holder = _registry.membershipOf(account);
        if (!_may(holder, Operation.TRANSFER_CASH)) revert CashHolderNotPermitted(account);
        if (holder.status != uint8(MemberStatus.ACTIVE)) revert CashHolderFrozen(account);
    }

    function _may(IParticipantRegistry.Member memory m, Operation operation) private pure returns (bool) {
        return (rolesFor(operation) & (uint8(1) << m.role)) != 0;
    }

    function _msgSender() internal view override(Context, ERC2771Context) returns (address) {
        return ERC2771Context._msgSender();
    }

    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    function _contextSuffixLength() internal view override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }
}
