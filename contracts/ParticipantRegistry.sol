// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {MemberStatus, Role} from "./types/BillTypes.sol";

/// @title Participant registry of billchain.
/// @dev The operator admits members and freezes them; the admin role (granting OPERATOR) is `admin`'s, a
///      timelock (chain/deploy.py), never the operator's own: the operator cannot grant itself anything.
///      A regulator's freeze may come through the OperationRelay, signed by the regulator (docs/SIGNING.md).
contract ParticipantRegistry is IParticipantRegistry, AccessControl, ERC2771Context {
    /// @notice The role of the platform operator: admits members, freezes them (not regulators).
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR");

    /// @dev A member record and its signed operations' nonce, in one slot: every operation reads the record,
    ///      so the relay's nonce check and write touch a slot the operation warms anyway.
    struct Record {
        uint32 code;
        uint8 role;
        uint8 status;
        uint64 nonce;
    }

    mapping(address account => Record) private _members;
    mapping(uint32 code => address) private _accounts;
    mapping(address account => bool) private _frozenByRegulator;
    mapping(bytes32 idHash => address) private _accountOfId;
    uint32 private _memberCount;

    constructor(address operator, address admin, address relay) ERC2771Context(relay) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(OPERATOR_ROLE, operator);
    }

    /// @inheritdoc IParticipantRegistry
    function register(
        address account,
        uint8 role,
        string calldata id,
        string calldata name,
        string calldata creditCode
    ) external onlyRole(OPERATOR_ROLE) returns (uint32 code) {
        if (role < uint8(Role.BANK) || role > uint8(Role.REGULATOR)) revert ParticipantInvalidRole(role);
        if (account == address(0) || isTrustedForwarder(account)) revert ParticipantInvalidAccount(account);
        if (_members[account].code != 0) revert ParticipantAlreadyRegistered(account);
        uint256 idLength = bytes(id).length;
        uint256 nameLength = bytes(name).length;
        if (idLength == 0 || idLength > 64 || nameLength == 0 || nameLength > 800 || bytes(creditCode).length > 18) {
            revert ParticipantInvalidProfile(id);
        }
        bytes32 idHash = keccak256(bytes(id));
        address holder = _accountOfId[idHash];
        if (holder != address(0)) revert ParticipantIdTaken(id, holder);
        _accountOfId[idHash] = account;
        code = ++_memberCount;
        _members[account] = Record({code: code, role: role, status: uint8(MemberStatus.ACTIVE), nonce: 0});
        _accounts[code] = account;
        emit ParticipantRegistered(account, code, role, id, name, creditCode);
    }

    /// @inheritdoc IParticipantRegistry
    function accountOfId(string calldata id) external view returns (address) {
        return _accountOfId[keccak256(bytes(id))];
    }

    /// @inheritdoc IParticipantRegistry
    function useNonce(address account, uint256 nonce) external {
        if (!isTrustedForwarder(msg.sender)) revert ParticipantRoleForbidden(msg.sender, 0);
        Record storage signer = _members[account];
        if (signer.code == 0) revert ParticipantNotRegistered(account);
        uint64 current = signer.nonce;
        if (nonce != current) revert InvalidAccountNonce(account, current);
        unchecked {
            signer.nonce = current + 1; // one a transaction: 2**64 of them never come
        }
    }

    /// @inheritdoc IParticipantRegistry
    function freeze(address account) external {
        _setStatus(account, uint8(MemberStatus.ACTIVE), uint8(MemberStatus.FROZEN));
    }

    /// @inheritdoc IParticipantRegistry
    function unfreeze(address account) external {
        _setStatus(account, uint8(MemberStatus.FROZEN), uint8(MemberStatus.ACTIVE));
    }

    /// @inheritdoc IParticipantRegistry
    function frozenByRegulator(address account) external view returns (bool) {
        return _frozenByRegulator[account];
    }

    /// @inheritdoc IParticipantRegistry
    function member(address account) external view returns (Member memory) {
        Record storage record = _members[account];
        return Member({code: record.code, role: record.role, status: record.status});
    }

    /// @inheritdoc IParticipantRegistry
    function nonceOf(address account) external view returns (uint256) {
        return _members[account].nonce;
    }

    /// @inheritdoc IParticipantRegistry
    function accountOf(uint32 code) external view returns (address) {
        return _accounts[code];
    }

    /// @inheritdoc IParticipantRegistry
    function memberCount() external view returns (uint32) {
        return _memberCount;
    }

    /// @inheritdoc IParticipantRegistry
    function isOperator(address account) external view returns (bool) {
        return hasRole(OPERATOR_ROLE, account);
    }

    /// @dev A REGULATOR may freeze and unfreeze anyone; the OPERATOR neither a REGULATOR nor what a
    ///      REGULATOR froze.
    function _setStatus(address account, uint8 from, uint8 to) private {
        address sender = _msgSender();
        Record memory caller = _members[sender];
        bool regulator = caller.role == uint8(Role.REGULATOR);
        if (!regulator && !hasRole(OPERATOR_ROLE, sender)) {
            revert ParticipantRoleForbidden(sender, caller.role);
        }
        if (regulator && caller.status != uint8(MemberStatus.ACTIVE)) revert ParticipantFrozen(sender);
        Record storage target = _members[account];
        if (target.code == 0) revert ParticipantNotRegistered(account);
        if (!regulator && (target.role == uint8(Role.REGULATOR) || _frozenByRegulator[account])) {
            revert ParticipantRegulatorDecides(account);
        }
        if (target.status != from) revert ParticipantInvalidStatus(account, target.status);
        target.status = to;
        _frozenByRegulator[account] = regulator && to == uint8(MemberStatus.FROZEN);
        emit ParticipantStatusChanged(account, to, sender);
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
