// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IBillRegistry} from "./interfaces/IBillRegistry.sol";
import {IBillRegistryExtension} from "./interfaces/IBillRegistryExtension.sol";
import {IDigitalCash} from "./interfaces/IDigitalCash.sol";
import {IOperationRelay} from "./interfaces/IOperationRelay.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";

/// @title The relay of billchain: runs an operation a participant signed, for that participant.
/// @dev The platform's three contracts trust this relay alone as their ERC-2771 forwarder, fixed at their
///      construction, and the relay's targets are fixed at its own (chain/deploy.py predicts their
///      addresses). Invariants: an operation runs for `signer` only with `signer`'s signature over exactly
///      that operation's typed struct (EIP-712 domain: this chain, this contract), at most once (the
///      signer's sequential nonce, kept in its member record), and not after its deadline. Whoever submits it
///      (the gateway's relayer, anyone) can delay it or not send it; nothing else.
contract OperationRelay is IOperationRelay, EIP712 {
    uint8 private constant SHAPE_ARGUMENTS = 0; // the struct's fields are the call's static arguments
    uint8 private constant SHAPE_REASON = 1; // the same, with a last `string reason` hashed
    uint8 private constant SHAPE_TERMS = 2; // a transfer id, then the transfer's terms from the bill registry

    // Each operation's EIP-712 type: its own fields, then who signs, its nonce and its deadline. What a
    // participant signs is these strings, as EIP-712 spells them: none can be shortened to 32 bytes.
    // solhint-disable gas-small-strings
    string private constant ISSUE =
        "Issue(uint8 kind,address acceptor,address payee,uint256 amount,uint256 maturityDay,bool transferable,bytes32 documentHash,address signer,uint256 nonce,uint256 deadline)";
    string private constant ACCEPT = "Accept(uint256 billId,address signer,uint256 nonce,uint256 deadline)";
    string private constant REJECT = "Reject(uint256 billId,address signer,uint256 nonce,uint256 deadline)";
    string private constant RECEIVE = "Receive(uint256 billId,address signer,uint256 nonce,uint256 deadline)";
    string private constant CANCEL = "Cancel(uint256 billId,address signer,uint256 nonce,uint256 deadline)";
    string private constant ENDORSE =
        "Endorse(uint256 billId,uint256 rangeStart,uint256 amount,address to,bytes32 documentHash,bool restrictive,address signer,uint256 nonce,uint256 deadline)";
    string private constant DISCOUNT =
        "Discount(uint256 billId,uint256 rangeStart,uint256 amount,address bank,uint256 annualRateMicros,uint256 adjustDays,bytes32 documentHash,address signer,uint256 nonce,uint256 deadline)";
    string private constant PLEDGE =
        "Pledge(uint256 billId,uint256 rangeStart,uint256 amount,address bank,address signer,uint256 nonce,uint256 deadline)";
    string private constant RECOURSE =
        "Recourse(uint256 billId,uint256 rangeStart,address against,address signer,uint256 nonce,uint256 deadline)";
    string private constant SIGN_TRANSFER =
        "SignTransfer(uint256 transferId,uint256 billId,uint256 rangeStart,uint256 rangeEnd,uint256 price,uint8 transferKind,address signer,uint256 nonce,uint256 deadline)";
    string private constant REJECT_TRANSFER =
        "RejectTransfer(uint256 transferId,uint256 billId,uint256 rangeStart,uint256 rangeEnd,uint256 price,uint8 transferKind,address signer,uint256 nonce,uint256 deadline)";
    string private constant REVOKE_TRANSFER =
        "RevokeTransfer(uint256 transferId,uint256 billId,uint256 rangeStart,uint256 rangeEnd,uint256 price,uint8 transferKind,address signer,uint256 nonce,uint256 deadline)";
    string private constant RELEASE =
        "Release(uint256 billId,uint256 rangeStart,address signer,uint256 nonce,uint256 deadline)";
    string private constant PRESENT =
        "Present(uint256 billId,uint256 rangeStart,address signer,uint256 nonce,uint256 deadline)";
    string private constant PRESENT_ALL = "PresentAll(uint256 billId,address signer,uint256 nonce,uint256 deadline)";
    string private constant PAY =
        "Pay(uint256 billId,uint256 rangeStart,address signer,uint256 nonce,uint256 deadline)";
    string private constant PAY_ALL = "PayAll(uint256 billId,address signer,uint256 nonce,uint256 deadline)";
    string private constant DISHONOR =
        "Dishonor(uint256 billId,uint256 rangeStart,string reason,address signer,uint256 nonce,uint256 deadline)";
    string private constant DISHONOR_ALL =
        "DishonorAll(uint256 billId,string reason,address signer,uint256 nonce,uint256 deadline)";
    string private constant FREEZE_BILL =
        "FreezeBill(uint256 billId,uint256 rangeStart,address signer,uint256 nonce,uint256 deadline)";
    string private constant UNFREEZE_BILL =
        "UnfreezeBill(uint256 billId,uint256 rangeStart,address signer,uint256 nonce,uint256 deadline)";
    string private constant MINT = "Mint(address to,uint256 amount,address signer,uint256 nonce,uint256 deadline)";
    string private constant TRANSFER_CASH =
        "TransferCash(address to,uint256 amount,address signer,uint256 nonce,uint256 deadline)";
    string private constant SET_MINT_LIMIT =
        "SetMintLimit(address bank,uint256 limit,address signer,uint256 nonce,uint256 deadline)";
    string private constant FREEZE_PARTICIPANT =
        "FreezeParticipant(address account,address signer,uint256 nonce,uint256 deadline)";
    string private constant UNFREEZE_PARTICIPANT =
        "UnfreezeParticipant(address account,address signer,uint256 nonce,uint256 deadline)";
    string private constant APPROVE_PARTICIPANT =
        "ApproveParticipant(address account,address signer,uint256 nonce,uint256 deadline)";
    string private constant RELEASE_SERVICE =
        "ReleaseService(address account,address signer,uint256 nonce,uint256 deadline)";
    string private constant GUARANTEE =
        "Guarantee(uint256 billId,uint256 rangeStart,uint256 amount,address guarantor,address signer,uint256 nonce,uint256 deadline)";
    string private constant FREEZE_UNDER_ORDER =
        "FreezeUnderOrder(uint256 billId,uint256 rangeStart,bytes32 orderHash,address signer,uint256 nonce,uint256 deadline)";
    string private constant SEIZE =
        "Seize(uint256 billId,uint256 rangeStart,address to,bytes32 orderHash,address signer,uint256 nonce,uint256 deadline)";
    string private constant CONFIRM_SEIZURE =
        "ConfirmSeizure(uint256 transferId,address to,bytes32 orderHash,address signer,uint256 nonce,uint256 deadline)";
    string private constant REJECT_SEIZURE =
        "RejectSeizure(uint256 transferId,address signer,uint256 nonce,uint256 deadline)";
    string private constant APPROVE_RECOVERY =
        "ApproveRecovery(address account,address newAccount,address signer,uint256 nonce,uint256 deadline)";
    string private constant CANCEL_RECOVERY =
        "CancelRecovery(address account,address signer,uint256 nonce,uint256 deadline)";
    /// @dev An operation signed as an item of one batch: the batch (`batchOf` its items) and the operation,
    ///      whose own type follows this one in the full type string (EIP-712's referenced struct).
    string private constant BATCH_ITEM_HEAD = "BatchItem(bytes32 batch,";
    // solhint-enable gas-small-strings

    /// @notice The most operations one batch takes (a block's gas bounds it first for most operations).
    uint256 public constant MAX_BATCH = 256;

    address private immutable _participants;
    address private immutable _bills;
    address private immutable _cash;

    /// @param participants the participant registry, bills the bill registry, cash its digital cash
    constructor(address participants, address bills, address cash) EIP712("billchain", "1") {
        // A deployment's check, read by whoever deploys; no caller decodes it (an error would join the ABI).
        // solhint-disable-next-line gas-custom-errors
        require(participants != address(0) && bills != address(0) && cash != address(0), "OperationRelay: no target");
        _participants = participants;
        _bills = bills;
        _cash = cash;
    }

    /// @inheritdoc IOperationRelay
    function execute(
        bytes calldata call,
        address signer,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external {
        address target = _authorize(call, signer, nonce, deadline, signature);
        // target.call(call ‖ signer) (ERC-2771), from calldata straight into free memory; a revert comes
        // back as it is, a success's return data is not copied (no operation's answer is read through here)
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let data := mload(0x40)
            calldatacopy(data, call.offset, call.length)
            mstore(add(data, call.length), shl(96, signer))
            if iszero(call(gas(), target, 0, data, add(call.length, 20), 0, 0)) {
                returndatacopy(data, 0, returndatasize())
                revert(data, returndatasize())
            }
        }
    }

    /// @inheritdoc IOperationRelay
    function executeBatch(Operation[] calldata operations) external {
        uint256 size = operations.length;
        if (size == 0 || size > MAX_BATCH) revert RelayBatchInvalidSize(size);
        bytes32 batch = _batchOf(operations);
        for (uint256 i = 0; i < size; ++i) {
            Operation calldata op = operations[i];
            address target = _authorizeItem(batch, op);
            // ERC-2771: the signer appended to the call, which no typed call can express (slither.db.json)
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory reason) = target.call(abi.encodePacked(op.call, op.signer));
            if (!ok) revert RelayBatchItemFailed(i, reason);
        }
    }

    /// @inheritdoc IOperationRelay
    function executeBundle(Operation[] calldata operations) external {
        uint256 size = operations.length;
        if (size == 0 || size > MAX_BATCH) revert RelayBatchInvalidSize(size);
        for (uint256 i = 0; i < size; ++i) {
            Operation calldata op = operations[i];
            // a call to itself: `execute`'s checks and effects, undone together when the item fails
            try this.execute(op.call, op.signer, op.nonce, op.deadline, op.signature) {
                emit BundleItemExecuted(i, op.signer, op.nonce);
            } catch (bytes memory reason) {
                emit BundleItemFailed(i, op.signer, op.nonce, reason);
            }
        }
    }

    /// @inheritdoc IOperationRelay
    function batchOf(Operation[] calldata operations) external pure returns (bytes32) {
        return _batchOf(operations);
    }

    /// @inheritdoc IOperationRelay
    function batchItemDigestOf(
        bytes32 batch,
        bytes calldata call,
        address signer,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32 digest) {
        (, bytes32 structHash) = _structHash(call, signer, nonce, deadline);
        return _hashTypedDataV4(_batchItemHash(batch, bytes4(call[:4]), structHash));
    }

    /// @dev keccak256 of the items' ids in order, an item's id keccak256(abi.encode(keccak256(call), signer, nonce,
    ///      deadline)): everything an item's signer signs but the signatures, so that every signature names its
    ///      batch, and no item acts outside it (alone through `execute`, or in another batch).
    function _batchOf(Operation[] calldata operations) private pure returns (bytes32) {
        uint256 size = operations.length;
        bytes32[] memory ids = new bytes32[](size);
        for (uint256 i = 0; i < size; ++i) {
            Operation calldata op = operations[i];
            ids[i] = keccak256(abi.encode(keccak256(op.call), op.signer, op.nonce, op.deadline));
        }
        return keccak256(abi.encodePacked(ids));
    }

    /// @dev `_authorize` for an item of `batch`: its signer signed BatchItem(batch, the operation).
    function _authorizeItem(bytes32 batch, Operation calldata op) private returns (address target) {
        if (block.timestamp > op.deadline) revert RelaySignatureExpired(op.deadline, block.timestamp);
        bytes32 structHash;
        (target, structHash) = _structHash(op.call, op.signer, op.nonce, op.deadline);
        bytes32 digest = _hashTypedDataV4(_batchItemHash(batch, bytes4(op.call[:4]), structHash));
        if (!_validSignature(op.signer, digest, op.signature)) revert RelayBadSignature(op.signer);
        IParticipantRegistry(_participants).incrementNonce(op.signer, op.nonce);
    }

    /// @dev hashStruct(BatchItem{batch, operation}), the operation's type string appended to BatchItem's (EIP-712).
    function _batchItemHash(bytes32 batch, bytes4 selector, bytes32 operationHash) private pure returns (bytes32) {
        bytes memory itemType = bytes(_typeString(selector));
        uint256 nameLength = 0;
        while (itemType[nameLength] != "(") ++nameLength;
        bytes memory name = new bytes(nameLength);
        for (uint256 i = 0; i < nameLength; ++i) name[i] = itemType[i];
        bytes32 typeHash = keccak256(abi.encodePacked(BATCH_ITEM_HEAD, name, " operation)", itemType));
        return keccak256(abi.encode(typeHash, batch, operationHash));
    }

    /// @dev The checks of one signed operation, in order: the deadline, the signature, the signer's nonce
    ///      (used here: a revert later in the transaction leaves it unused). Returns the operation's contract.
    function _authorize(
        bytes calldata call,
        address signer,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) private returns (address target) {
        if (block.timestamp > deadline) revert RelaySignatureExpired(deadline, block.timestamp);
        bytes32 structHash;
        (target, structHash) = _structHash(call, signer, nonce, deadline);
        if (!_validSignature(signer, _hashTypedDataV4(structHash), signature)) revert RelayBadSignature(signer);
        IParticipantRegistry(_participants).incrementNonce(signer, nonce);
    }

    /// @dev An account's ECDSA signature (OpenZeppelin ECDSA: low-s only), else a contract wallet's ERC-1271
    ///      answer: SignatureChecker's two checks, the account's first (no code lookup on the common path).
    function _validSignature(address signer, bytes32 digest, bytes calldata signature) private view returns (bool) {
        if (signature.length == 65) {
            // r ‖ s ‖ v, read in place
            (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecover(
                digest,
                uint8(signature[64]),
                bytes32(signature[0:32]),
                bytes32(signature[32:64])
            );
            if (error == ECDSA.RecoverError.NoError && recovered == signer) return true;
        }
        return signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNow(signer, digest, signature);
    }

    /// @notice The next nonce of `owner`'s signed operations (kept in its member record: IParticipantRegistry).
    /// @param owner a member
    /// @return the nonce its next signed operation names
    function nonces(address owner) external view returns (uint256) {
        return IParticipantRegistry(_participants).nonceOf(owner);
    }

    /// @inheritdoc IOperationRelay
    function digestOf(
        bytes calldata call,
        address signer,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32 digest) {
        (, bytes32 structHash) = _structHash(call, signer, nonce, deadline);
        return _hashTypedDataV4(structHash);
    }

    /// @inheritdoc IOperationRelay
    function operationType(
        bytes4 selector
    ) external view returns (string memory typeString, address target, uint8 shape) {
        uint8 contractIndex;
        (, shape, contractIndex) = _operation(selector);
        typeString = _typeString(selector);
        if (bytes(typeString).length == 0) revert RelayUnknownOperation(selector);
        target = _target(contractIndex);
    }

    function _target(uint8 contractIndex) private view returns (address) {
        return contractIndex == 0 ? _bills : (contractIndex == 1 ? _cash : _participants);
    }

    /// @dev EIP-712 hashStruct of the operation: keccak256(typeHash ‖ its fields ‖ signer ‖ nonce ‖ deadline),
    ///      each field one 32-byte word (a string as its keccak256), as EIP-712 encodes them.
    function _structHash(
        bytes calldata call,
        address signer,
        uint256 nonce,
        uint256 deadline
    ) private view returns (address target, bytes32 structHash) {
        if (call.length < 4) revert RelayUnknownOperation(bytes4(0));
        (bytes32 typeHash, uint8 shape, uint8 contractIndex) = _operation(bytes4(call[:4]));
        if (typeHash == bytes32(0)) revert RelayUnknownOperation(bytes4(call[:4]));
        target = _target(contractIndex);
        if (shape == SHAPE_ARGUMENTS) {
            // keccak256(typeHash ‖ the call's arguments ‖ signer ‖ nonce ‖ deadline), in scratch memory
            // past the free memory pointer: the common case, without copies
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                let start := mload(0x40)
                mstore(start, typeHash)
                let length := sub(call.length, 4)
                calldatacopy(add(start, 32), add(call.offset, 4), length)
                let tail := add(add(start, 32), length)
                mstore(tail, signer)
                mstore(add(tail, 32), nonce)
                mstore(add(tail, 64), deadline)
                structHash := keccak256(start, add(length, 128))
            }
            return (target, structHash);
        }
        if (shape == SHAPE_REASON) {
            // dishonor(billId, rangeStart, reason) or dishonorAll(billId, reason): the string as its hash
            if (bytes4(call[:4]) == IBillRegistry.dishonor.selector) {
                (uint256 billId, uint256 start, string memory reason) = abi.decode(
                    call[4:],
                    (uint256, uint256, string)
                );
                structHash = keccak256(
                    abi.encode(typeHash, billId, start, keccak256(bytes(reason)), signer, nonce, deadline)
                );
            } else {
                (uint256 billId, string memory reason) = abi.decode(call[4:], (uint256, string));
                structHash = keccak256(abi.encode(typeHash, billId, keccak256(bytes(reason)), signer, nonce, deadline));
            }
            return (target, structHash);
        }
        uint256 transferId = abi.decode(call[4:], (uint256));
        (uint256 billId, uint256 rangeStart, uint256 rangeEnd, uint256 price, uint8 kind) = IBillRegistry(_bills)
            .transferTerms(transferId);
        structHash = keccak256(
            abi.encode(typeHash, transferId, billId, rangeStart, rangeEnd, price, kind, signer, nonce, deadline)
        );
    }

    /// @dev The EIP-712 type hash of the operation a selector starts, its shape and its contract (0 bills,
    ///      1 cash, 2 participants); the most frequent first. A zero hash: no such operation.
    function _operation(bytes4 s) private pure returns (bytes32 typeHash, uint8 shape, uint8 target) {
        if (s == IERC20.transfer.selector) return (keccak256(bytes(TRANSFER_CASH)), SHAPE_ARGUMENTS, 1);
        if (s == IBillRegistry.endorse.selector) return (keccak256(bytes(ENDORSE)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.sign.selector) return (keccak256(bytes(SIGN_TRANSFER)), SHAPE_TERMS, 0);
        if (s == IBillRegistry.discount.selector) return (keccak256(bytes(DISCOUNT)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.accept.selector) return (keccak256(bytes(ACCEPT)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.receiveBill.selector) return (keccak256(bytes(RECEIVE)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.issue.selector) return (keccak256(bytes(ISSUE)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.presentAll.selector) return (keccak256(bytes(PRESENT_ALL)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.present.selector) return (keccak256(bytes(PRESENT)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.payAll.selector) return (keccak256(bytes(PAY_ALL)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.pay.selector) return (keccak256(bytes(PAY)), SHAPE_ARGUMENTS, 0);
        if (s == IDigitalCash.mint.selector) return (keccak256(bytes(MINT)), SHAPE_ARGUMENTS, 1);
        if (s == IBillRegistry.pledge.selector) return (keccak256(bytes(PLEDGE)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.release.selector) return (keccak256(bytes(RELEASE)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.recourse.selector) return (keccak256(bytes(RECOURSE)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.rejectTransfer.selector) return (keccak256(bytes(REJECT_TRANSFER)), SHAPE_TERMS, 0);
        if (s == IBillRegistry.revoke.selector) return (keccak256(bytes(REVOKE_TRANSFER)), SHAPE_TERMS, 0);
        if (s == IBillRegistryExtension.reject.selector) return (keccak256(bytes(REJECT)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistryExtension.cancel.selector) return (keccak256(bytes(CANCEL)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.dishonorAll.selector) return (keccak256(bytes(DISHONOR_ALL)), SHAPE_REASON, 0);
        if (s == IBillRegistry.dishonor.selector) return (keccak256(bytes(DISHONOR)), SHAPE_REASON, 0);
        if (s == IBillRegistry.freeze.selector) return (keccak256(bytes(FREEZE_BILL)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistry.unfreeze.selector) return (keccak256(bytes(UNFREEZE_BILL)), SHAPE_ARGUMENTS, 0);
        if (s == IParticipantRegistry.freeze.selector)
            return (keccak256(bytes(FREEZE_PARTICIPANT)), SHAPE_ARGUMENTS, 2);
        if (s == IParticipantRegistry.unfreeze.selector)
            return (keccak256(bytes(UNFREEZE_PARTICIPANT)), SHAPE_ARGUMENTS, 2);
        if (s == IDigitalCash.setMintLimit.selector) return (keccak256(bytes(SET_MINT_LIMIT)), SHAPE_ARGUMENTS, 1);
        if (s == IParticipantRegistry.approve.selector)
            return (keccak256(bytes(APPROVE_PARTICIPANT)), SHAPE_ARGUMENTS, 2);
        if (s == IParticipantRegistry.release.selector) return (keccak256(bytes(RELEASE_SERVICE)), SHAPE_ARGUMENTS, 2);
        if (s == IBillRegistryExtension.guarantee.selector) return (keccak256(bytes(GUARANTEE)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistryExtension.freezeUnderOrder.selector)
            return (keccak256(bytes(FREEZE_UNDER_ORDER)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistryExtension.seize.selector) return (keccak256(bytes(SEIZE)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistryExtension.confirmSeizure.selector)
            return (keccak256(bytes(CONFIRM_SEIZURE)), SHAPE_ARGUMENTS, 0);
        if (s == IBillRegistryExtension.rejectSeizure.selector)
            return (keccak256(bytes(REJECT_SEIZURE)), SHAPE_ARGUMENTS, 0);
        if (s == IParticipantRegistry.approveRecovery.selector)
            return (keccak256(bytes(APPROVE_RECOVERY)), SHAPE_ARGUMENTS, 2);
        if (s == IParticipantRegistry.cancelRecovery.selector)
            return (keccak256(bytes(CANCEL_RECOVERY)), SHAPE_ARGUMENTS, 2);
        return (bytes32(0), 0, 0);
    }

    /// @dev The type string `_operation` hashes, for `operationType` (tests/contracts/test_relay.py checks
    ///      that every operation's string and hash agree, through `digestOf`).
    function _typeString(bytes4 s) private pure returns (string memory) {
        if (s == IERC20.transfer.selector) return TRANSFER_CASH;
        if (s == IBillRegistry.endorse.selector) return ENDORSE;
        if (s == IBillRegistry.sign.selector) return SIGN_TRANSFER;
        if (s == IBillRegistry.discount.selector) return DISCOUNT;
        if (s == IBillRegistry.accept.selector) return ACCEPT;
        if (s == IBillRegistry.receiveBill.selector) return RECEIVE;
        if (s == IBillRegistry.issue.selector) return ISSUE;
        if (s == IBillRegistry.presentAll.selector) return PRESENT_ALL;
        if (s == IBillRegistry.present.selector) return PRESENT;
        if (s == IBillRegistry.payAll.selector) return PAY_ALL;
        if (s == IBillRegistry.pay.selector) return PAY;
        if (s == IDigitalCash.mint.selector) return MINT;
        if (s == IBillRegistry.pledge.selector) return PLEDGE;
        if (s == IBillRegistry.release.selector) return RELEASE;
        if (s == IBillRegistry.recourse.selector) return RECOURSE;
        if (s == IBillRegistry.rejectTransfer.selector) return REJECT_TRANSFER;
        if (s == IBillRegistry.revoke.selector) return REVOKE_TRANSFER;
        if (s == IBillRegistryExtension.reject.selector) return REJECT;
        if (s == IBillRegistryExtension.cancel.selector) return CANCEL;
        if (s == IBillRegistry.dishonorAll.selector) return DISHONOR_ALL;
        if (s == IBillRegistry.dishonor.selector) return DISHONOR;
        if (s == IBillRegistry.freeze.selector) return FREEZE_BILL;
        if (s == IBillRegistry.unfreeze.selector) return UNFREEZE_BILL;
        if (s == IParticipantRegistry.freeze.selector) return FREEZE_PARTICIPANT;
        if (s == IParticipantRegistry.unfreeze.selector) return UNFREEZE_PARTICIPANT;
        if (s == IDigitalCash.setMintLimit.selector) return SET_MINT_LIMIT;
        if (s == IParticipantRegistry.approve.selector) return APPROVE_PARTICIPANT;
        if (s == IParticipantRegistry.release.selector) return RELEASE_SERVICE;
        if (s == IBillRegistryExtension.guarantee.selector) return GUARANTEE;
        if (s == IBillRegistryExtension.freezeUnderOrder.selector) return FREEZE_UNDER_ORDER;
        if (s == IBillRegistryExtension.seize.selector) return SEIZE;
        if (s == IBillRegistryExtension.confirmSeizure.selector) return CONFIRM_SEIZURE;
        if (s == IBillRegistryExtension.rejectSeizure.selector) return REJECT_SEIZURE;
        if (s == IParticipantRegistry.approveRecovery.selector) return APPROVE_RECOVERY;
        if (s == IParticipantRegistry.cancelRecovery.selector) return CANCEL_RECOVERY;
        return "";
    }
}
