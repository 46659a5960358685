// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {IDigitalCash} from "./interfaces/IDigitalCash.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {MemberStatus, RECOVERY_DELAY, Role} from "./types/BillTypes.sol";

/// @title Participant registry of billchain.
/// @dev The operator admits members and freezes them; the admin role (granting OPERATOR) is `admin`'s, a
///      timelock (chain/deploy.py), never the operator's own: the operator cannot grant itself anything.
///      A regulator's freeze may come through the OperationRelay, signed by the regulator (docs/SIGNING.md).
///      A key recovery moves a member record to a new address and takes three parties' turns: the OPERATOR
///      requests, a REGULATOR approves, and 72 hours pass in which the participant may cancel; no single party
///      moves a participant to a new key (DOMAIN.md invariant 10).
contract ParticipantRegistry is IParticipantRegistry, AccessControl, ERC2771Context {
    /// @notice The role of the platform operator: admits members, freezes them (not regulators).
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR");

    /// @dev A member record and its signed operations' nonce, in one slot: every operation reads the record,
    ///      so the relay's nonce check and write touch a slot the operation warms anyway. `role` and `status`
    ///      are a Role and a MemberStatus kept as uint8, as `membershipOf` serves them on every call of every
    ///      operation: enum fields would be range-checked on each read (about 100 gas a `membershipOf`).
    ///      `recoveryAt`: when an approved key recovery takes effect (0: none approved); from then on the record
    ///      answers for no one at this address, in the same read.
    struct Record {
        uint32 code;
        uint8 role;
        uint8 status;
        uint64 nonce;
        uint48 recoveryAt;
    }

    /// @dev The cash whose holders move with a recovery: the one the bill registry creates (chain/deploy.py
    ///      predicts its address, and checks it after the deployment).
    IDigitalCash private immutable _cash;

    mapping(address account => Record) private _members;
    mapping(uint32 code => address) private _accounts;
    mapping(address account => bool) private _frozenByRegulator;
    mapping(bytes32 idHash => uint32 code) private _codeOfId;
    mapping(address account => address gateway) private _gatewayOf;
    mapping(address account => address newAccount) private _recoveries;
    /// @dev The new addresses of approved recoveries, each held for its member until the recovery completes
    ///      or is cancelled: no one registers it meanwhile, nor names it in another recovery.
    mapping(address newAccount => bool) private _reserved;
    uint32 private _memberCount;
    /// @dev beside `_memberCount`, in its slot: an onboarding reads and writes both
    uint32 private _activeRegulators;

    constructor(address operator, address admin, address relay, IDigitalCash cash) ERC2771Context(relay) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(OPERATOR_ROLE, operator);
        _cash = cash;
    }

    /// @inheritdoc IParticipantRegistry
    function register(
        address account,
        uint8 role,
        string calldata id,
        string calldata name,
        string calldata creditCode,
        address gateway
    ) external onlyRole(OPERATOR_ROLE) returns (uint32 code) {
        if (role < uint8(Role.BANK) || role > uint8(Role.REGULATOR)) revert ParticipantInvalidRole(role);
        _requireFreshAccount(account);
        uint256 nameLength = bytes(name).length;
        if (!_isSlug(bytes(id)) || nameLength == 0 || nameLength > 800 || bytes(creditCode).length > 18) {
            revert ParticipantInvalidProfile(id);
        }
        bytes32 idHash = keccak256(bytes(id));
        uint32 holder = _codeOfId[idHash];
        if (holder != 0) revert ParticipantIdTaken(id, _accounts[holder]);
        code = ++_memberCount;
        _codeOfId[idHash] = code;
        bool pending = role == uint8(Role.REGULATOR) && _activeRegulators != 0;
        if (role == uint8(Role.REGULATOR) && !pending) _activeRegulators = 1;
        uint8 status = uint8(pending ? MemberStatus.PENDING : MemberStatus.ACTIVE);
        _members[account] = Record({code: code, role: role, status: status, nonce: 0, recoveryAt: 0});
        _accounts[code] = account;
        emit ParticipantRegistered(account, code, role, id, name, creditCode);
        if (pending) emit ParticipantStatusChanged(account, status, _msgSender());
        if (gateway != address(0)) {
            _gatewayOf[account] = gateway;
            emit ParticipantServed(account, gateway);
        }
    }

    /// @inheritdoc IParticipantRegistry
    function approve(address account) external {
        address sender = _msgSender();
        Record memory caller = _live(sender);
        if (caller.role != uint8(Role.REGULATOR)) revert ParticipantRoleForbidden(sender, caller.role);
        _requireActive(caller.status, sender);
        Record storage target = _members[account];
        if (target.code == 0) revert ParticipantNotRegistered(account);
        if (target.status != uint8(MemberStatus.PENDING)) revert ParticipantNotPending(account, target.status);
        target.status = uint8(MemberStatus.ACTIVE);
        ++_activeRegulators;
        emit ParticipantStatusChanged(account, uint8(MemberStatus.ACTIVE), sender);
    }

    /// @inheritdoc IParticipantRegistry
    function activeRegulators() external view returns (uint32) {
        return _activeRegulators;
    }

    /// @inheritdoc IParticipantRegistry
    function claim(address account) external {
        address gateway = _msgSender();
        if (_members[account].code == 0) revert ParticipantNotRegistered(account);
        address serving = _gatewayOf[account];
        if (serving == gateway) return;
        if (serving != address(0)) revert ParticipantServedElsewhere(account, serving);
        _gatewayOf[account] = gateway;
        emit ParticipantServed(account, gateway);
    }

    /// @inheritdoc IParticipantRegistry
    function release(address account) external {
        address sender = _msgSender();
        address serving = _gatewayOf[account];
        if (sender != serving && sender != account) revert ParticipantServedElsewhere(account, serving);
        if (serving == address(0)) return;
        delete _gatewayOf[account];
        emit ParticipantServed(account, address(0));
    }

    /// @inheritdoc IParticipantRegistry
    function gatewayOf(address account) external view returns (address) {
        return _gatewayOf[account];
    }

    /// @inheritdoc IParticipantRegistry
    function accountOfId(string calldata id) external view returns (address) {
        uint32 code = _codeOfId[keccak256(bytes(id))];
        return code == 0 ? address(0) : _accounts[code];
    }

    // ------------------------------------------------------------ key recovery

    /// @inheritdoc IParticipantRegistry
    function requestRecovery(address account, address newAccount) external onlyRole(OPERATOR_ROLE) {
        Record storage record = _members[account];
        if (record.code == 0) revert ParticipantNotRegistered(account);
        _requireFreshAccount(newAccount);
        if (record.recoveryAt != 0) revert RecoveryInvalidState(account);
        if (_recoveries[account] != address(0)) emit RecoveryCancelled(account, _msgSender());
        _recoveries[account] = newAccount;
        emit RecoveryRequested(account, newAccount, _msgSender());
    }

    /// @inheritdoc IParticipantRegistry
    function approveRecovery(address account, address newAccount) external {
        address sender = _msgSender();
        Record memory caller = _live(sender);
        if (caller.role != uint8(Role.REGULATOR)) revert ParticipantRoleForbidden(sender, caller.role);
        if (sender == account) revert RecoveryOwnApproval(account);
        Record storage record = _members[account];
        if (record.code == 0) revert ParticipantNotRegistered(account);
        _requireActive(caller.status, sender);
        address requested = _recoveries[account];
        if (requested == address(0) || requested != newAccount || record.recoveryAt != 0) {
            revert RecoveryInvalidState(account);
        }
        _requireFreshAccount(newAccount); // registered, or held for another recovery, since the request
        _reserved[newAccount] = true;
        uint256 effectiveAt = block.timestamp + RECOVERY_DELAY;
        record.recoveryAt = uint48(effectiveAt);
        emit RecoveryApproved(account, newAccount, effectiveAt, sender);
    }

    /// @inheritdoc IParticipantRegistry
    function cancelRecovery(address account) external {
        address sender = _msgSender();
        if (sender != account) revert RecoveryNotParty(account, sender);
        Record storage record = _members[account];
        if (record.code == 0) revert ParticipantNotRegistered(account);
        uint256 recoveryAt = record.recoveryAt;
        if (recoveryAt != 0 && block.timestamp >= recoveryAt) revert ParticipantNotRegistered(account);
        // whatever its status: a freeze (the OPERATOR's own included) must not take away the one answer a
        // participant that did not lose its key has to a recovery it did not ask for (DOMAIN.md)
        address newAccount = _recoveries[account];
        if (newAccount == address(0)) revert RecoveryInvalidState(account);
        if (recoveryAt != 0) delete _reserved[newAccount];
        delete _recoveries[account];
        record.recoveryAt = 0;
        emit RecoveryCancelled(account, sender);
    }

    /// @inheritdoc IParticipantRegistry
    function completeRecovery(address account) external {
        Record memory record = _members[account];
        address newAccount = _recoveries[account];
        if (newAccount == address(0) || record.recoveryAt == 0 || block.timestamp < record.recoveryAt) {
            revert RecoveryInvalidState(account);
        }
        delete _reserved[newAccount]; // held for this recovery since its approval: no one else took it
        record.recoveryAt = 0;
        _members[newAccount] = record;
        delete _members[account];
        delete _recoveries[account];
        _accounts[record.code] = newAccount;
        if (_frozenByRegulator[account]) {
            _frozenByRegulator[newAccount] = true;
            delete _frozenByRegulator[account];
        }
        address gateway = _gatewayOf[account];
        if (gateway != address(0)) {
            _gatewayOf[newAccount] = gateway;
            delete _gatewayOf[account];
        }
        emit ParticipantRecovered(account, newAccount, record.code);
        _cash.moveHolder(account, newAccount);
    }

    /// @inheritdoc IParticipantRegistry
    function recoveryOf(address account) external view returns (address newAccount, uint256 effectiveAt) {
        return (_recoveries[account], _members[account].recoveryAt);
    }

    /// @inheritdoc IParticipantRegistry
    function incrementNonce(address account, uint256 nonce) external {
        if (!isTrustedForwarder(msg.sender)) revert ParticipantRoleForbidden(msg.sender, 0);
        Record storage signer = _members[account];
        if (signer.code == 0 || _recovered(signer)) revert ParticipantNotRegistered(account);
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
    function membershipOf(address account) external view returns (Member memory member) {
        Record storage record = _members[account];
        if (!_recovered(record)) member = Member({code: record.code, role: record.role, status: record.status});
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
    ///      REGULATOR froze. The count of ACTIVE REGULATORs follows a regulator's freeze and unfreeze.
    function _setStatus(address account, uint8 from, uint8 to) private {
        address sender = _msgSender();
        Record memory caller = _live(sender);
        bool regulator = caller.role == uint8(Role.REGULATOR);
        if (!regulator && !hasRole(OPERATOR_ROLE, sender)) {
            revert ParticipantRoleForbidden(sender, caller.role);
        }
        if (regulator) _requireActive(caller.status, sender);
        Record storage target = _members[account];
        if (target.code == 0 || _recovered(target)) revert ParticipantNotRegistered(account);
        bool ofRegulator = target.role == uint8(Role.REGULATOR);
        if (!regulator && (ofRegulator || _frozenByRegulator[account])) {
            revert ParticipantRegulatorDecides(account);
        }
        if (target.status != from) revert ParticipantInvalidStatus(account, target.status);
        target.status = to;
        _frozenByRegulator[account] = regulator && to == uint8(MemberStatus.FROZEN);
        if (ofRegulator) {
            if (to == uint8(MemberStatus.ACTIVE)) ++_activeRegulators;
            else --_activeRegulators;
        }
        emit ParticipantStatusChanged(account, to, sender);
    }

    /// @dev Whether the record's approved key recovery took effect: its address acts for no one any more
    ///      (`completeRecovery` moves the record; until someone calls it, this read says so).
    function _recovered(Record storage record) private view returns (bool) {
        uint256 recoveryAt = record.recoveryAt;
        return recoveryAt != 0 && block.timestamp >= recoveryAt;
    }

    /// @dev `account`'s record as it acts now: empty once a recovery of it took effect.
    function _live(address account) private view returns (Record memory record) {
        Record storage stored = _members[account];
        if (!_recovered(stored)) record = stored;
    }

    /// @dev An address that may become a member: not the zero address, the relay or an OPERATOR, not a member
    ///      already, and not held for an approved recovery.
    function _requireFreshAccount(address account) private view {
        // the OPERATOR is no member: it trades nothing, and may not be the beneficiary of what it confirms
        if (account == address(0) || isTrustedForwarder(account) || hasRole(OPERATOR_ROLE, account)) {
            revert ParticipantInvalidAccount(account);
        }
        if (_members[account].code != 0 || _reserved[account]) revert ParticipantAlreadyRegistered(account);
    }

    /// @dev A member's own acts: PENDING is FORBIDDEN (it may not act yet), FROZEN is PARTICIPANT_FROZEN.
    function _requireActive(uint8 status, address account) private pure {
        if (status == uint8(MemberStatus.ACTIVE)) return;
        if (status == uint8(MemberStatus.PENDING)) revert ParticipantPending(account);
        revert ParticipantFrozen(account);
    }

    /// @dev API.md's participant id: ^[a-z][a-z0-9-]{2,39}$ (so that no id reads as anything but a name: a
    ///      spreadsheet formula, markup, a path).
    function _isSlug(bytes calldata id) private pure returns (bool) {
        uint256 length = id.length;
        if (length < 3 || length > 40) return false;
        for (uint256 i = 0; i < length; ++i) {
            bytes1 c = id[i];
            bool letter = c >= "a" && c <= "z";
            if (!letter && (i == 0 || !((c >= "0" && c <= "9") || c == "-"))) return false;
        }
        return true;
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
