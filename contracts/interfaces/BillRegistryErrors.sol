// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice Failures of the bill registry. The comment of each names its API problem code.
interface BillRegistryErrors {
    /// @dev NOT_FOUND
    error BillNotFound(uint256 billId);
    /// @dev NOT_FOUND
    error TransferNotFound(uint256 transferId);
    /// @dev FORBIDDEN: the caller's role may not do this operation.
    error BillRoleForbidden(address account, uint8 role);
    /// @dev NOT_PARTY: the caller is not the party the operation requires.
    error BillNotParty(uint256 billId, address account);
    /// @dev VALIDATION_ERROR: kind outside BANK_ACCEPTANCE, COMMERCIAL_ACCEPTANCE, SUPPLY_CHAIN.
    error BillInvalidKind(uint8 kind);
    /// @dev VALIDATION_ERROR: amount is 0 or above 1,000,000,000.00 yuan.
    error BillInvalidAmount(uint256 amount);
    /// @dev VALIDATION_ERROR: maturity not after the issue date or more than 184 days after it.
    error BillInvalidMaturity(uint256 issueDay, uint256 maturityDay);
    /// @dev VALIDATION_ERROR: a supply-chain bill needs the document of its trade background.
    error BillDocumentRequired();
    /// @dev VALIDATION_ERROR: no range of the bill starts at `start`.
    error RangeNotFound(uint256 billId, uint256 start);
    /// @dev VALIDATION_ERROR: a part of a range is 0 or larger than the range.
    error RangeInvalidAmount(uint256 billId, uint256 start, uint256 amount);
    /// @dev VALIDATION_ERROR: annual rate (millionths) outside 0 <= rate < 1.
    error DiscountInvalidRate(uint256 rateMicros);
    /// @dev VALIDATION_ERROR: adjust days outside 0..3.
    error DiscountInvalidAdjustDays(uint256 adjustDays);
    /// @dev VALIDATION_ERROR: a dishonour reason is 1..800 bytes (200 characters).
    error DishonorInvalidReason(uint256 length);
    /// @dev INVALID_COUNTERPARTY: wrong role, not onboarded, or oneself.
    error BillInvalidCounterparty(address account);
    /// @dev INVALID_STATE
    error BillInvalidState(uint256 billId, uint8 status);
    /// @dev INVALID_STATE
    error RangeInvalidState(uint256 billId, uint256 start, uint8 state);
    /// @dev INVALID_STATE: no range of the bill is eligible for an operation on all ranges.
    error RangeNoneEligible(uint256 billId, address account);
    /// @dev INVALID_STATE
    error TransferInvalidState(uint256 transferId, uint8 status);
    /// @dev INVALID_STATE: freeze of a frozen bill or range, unfreeze of one that is not.
    error FreezeUnchanged(uint256 billId, uint256 start, bool frozen);
    /// @dev INVALID_STATE: recourse on a presented range before 3 days passed unanswered.
    error RecourseTooEarly(uint256 billId, uint256 start, uint256 presentedDay, uint256 today);
    /// @dev NOT_TRANSFERABLE
    error BillNotTransferable(uint256 billId);
    /// @dev MATURED: endorse, discount or pledge on or after the maturity date.
    error BillMatured(uint256 billId, uint256 maturityDay, uint256 today);
    /// @dev NOT_MATURE: present before the maturity date.
    error BillNotMature(uint256 billId, uint256 maturityDay, uint256 today);
    /// @dev FROZEN
    error BillFrozen(uint256 billId);
    /// @dev FROZEN
    error RangeFrozen(uint256 billId, uint256 start);
    /// @dev DOCUMENT_ALREADY_USED
    error DocumentAlreadyUsed(bytes32 documentHash);
    /// @dev INVALID_RECOURSE_TARGET
    error RecourseInvalidTarget(uint256 billId, uint256 start, address target);
    /// @dev INVALID_STATE: splitting would give the bill more than MAX_RANGES_PER_BILL ranges.
    error BillTooManyRanges(uint256 billId, uint256 max);
    /// @dev ACCEPTOR_OVERDUE: the bill's acceptor is persistently overdue (3 overdue events in 180 days) until
    ///      `untilDay`: it accepts nothing, and its bills are not discounted, pledged or guaranteed.
    error BillAcceptorOverdue(uint256 billId, uint256 untilDay);
    /// @dev VALIDATION_ERROR: a judicial freeze or a seizure names its court order.
    error CourtOrderRequired();
    /// @dev INVALID_STATE: a seizure needs a HELD range frozen under the order it names.
    error RangeNotUnderOrder(uint256 billId, uint256 start, bytes32 orderHash);
    /// @dev INVALID_STATE: the guarantor guarantees these parties of the bill already.
    error GuaranteeExists(uint256 billId, address guarantor);
    /// @dev INVALID_STATE: the guarantor guarantees the most parties one range's chain records (13) already.
    error GuaranteeLimit(uint256 billId, uint256 start, address guarantor);
    /// @dev VALIDATION_ERROR: a seizure's confirmation names another beneficiary or order than the seizure.
    error SeizureTermsDiffer(uint256 transferId, address beneficiary, bytes32 orderHash);
}
