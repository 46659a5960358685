// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BillRegistryEvents} from "./interfaces/BillRegistryEvents.sol";

/// @title Trade documents anchored by their SHA-256, each at most once on the whole platform.
/// @dev A hash anchored again anywhere is DOCUMENT_ALREADY_USED: the same invoice cannot finance twice.
///      A bill's document stays anchored; a transfer's is released when the transfer is rejected or
///      revoked, so the holder may take the invoice to another bank.
abstract contract DocumentAnchors is BillRegistryEvents {
    mapping(uint256 billId => bytes32) private _billDocuments;
    mapping(uint256 transferId => bytes32) private _transferDocuments;
    mapping(bytes32 documentHash => bool) private _anchored;

    function _isAnchored(bytes32 documentHash) internal view returns (bool) {
        return _anchored[documentHash];
    }

    function _anchorForBill(bytes32 documentHash, uint256 billId) internal {
        _anchor(documentHash, billId, 0);
        _billDocuments[billId] = documentHash;
    }

    function _anchorForTransfer(bytes32 documentHash, uint256 billId, uint256 transferId) internal {
        _anchor(documentHash, billId, transferId);
        _transferDocuments[transferId] = documentHash;
    }

    /// @dev A rejected or revoked transfer's document may anchor again.
    function _releaseTransferDocument(uint256 billId, uint256 transferId) internal {
        bytes32 documentHash = _transferDocuments[transferId];
        if (documentHash != bytes32(0)) {
            delete _anchored[documentHash];
            delete _transferDocuments[transferId];
            emit DocumentReleased(documentHash, billId, transferId);
        }
    }

    function _billDocument(uint256 billId) internal view returns (bytes32) {
        return _billDocuments[billId];
    }

    function _transferDocument(uint256 transferId) internal view returns (bytes32) {
        return _transferDocuments[transferId];
    }

    function _anchor(bytes32 documentHash, uint256 billId, uint256 transferId) private {
        if (_anchored[documentHash]) revert DocumentAlreadyUsed(documentHash);
        _anchored[documentHash] = true;
        emit DocumentAnchored(documentHash, billId, transferId);
    }
}
