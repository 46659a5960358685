// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Freeze, RangeState} from "../types/BillTypes.sol";
import {Range} from "../types/BillRecords.sol";

/// @title A bill's ranges: how they are walked and split.
/// @dev The ranges of a bill are kept by their first sub-bill number; once the payee receives the bill
///      they never overlap and cover 1..amount exactly, so each range's successor starts at its end + 1.
///      Every walk over a bill's ranges takes its steps here:
///          for (uint256 start = ranges.first(); start != 0; ) {
///              (Range storage range, uint256 following) = ranges.step(start, amount);
///              ...
///              start = following;
///          }
///      starting at FIRST instead where the bill is known to have ranges (a read saved). A step reads where
///      the next range starts before the body runs, which may write the range and call out (the read would
///      cost again after); a search that may stop at the range in hand asks `next` after its test instead.
library RangeBook {
    /// @dev Where the ranges of a received bill start.
    uint256 internal constant FIRST = 1;

    /// @dev The start of the bill's first range, 0 when it has none (not received yet).
    function first(mapping(uint256 start => Range) storage ranges) internal view returns (uint256) {
        return ranges[FIRST].state == RangeState.NONE ? 0 : FIRST;
    }

    /// @dev One step of a walk: the range at `start`, and the start of the range after it, 0 after the last
    ///      (of a bill of `amount` fen).
    function step(
        mapping(uint256 start => Range) storage ranges,
        uint256 start,
        uint256 amount
    ) internal view returns (Range storage range, uint256 following) {
        range = ranges[start];
        following = next(range, amount);
    }

    /// @dev The start of the range after `range`, 0 after the last one.
    function next(Range storage range, uint256 amount) internal view returns (uint256 following) {
        following = uint256(range.end) + 1;
        if (following > amount) following = 0;
    }

    /// @dev Splits `range` (which ends at `end`) before `splitAt`: `splitAt..end` becomes a new HELD range
    ///      of the same holder, with the same endorsement chain.
    function split(
        mapping(uint256 start => Range) storage ranges,
        Range storage range,
        uint256 splitAt,
        uint256 end
    ) internal {
        // a start no range holds has an empty record (a merge deletes the one it takes): only what is not zero
        Range storage right = ranges[splitAt];
        right.end = uint40(end);
        right.holder = range.holder;
        right.state = RangeState.HELD;
        right.chainHead = range.chainHead;
        right.markedChain = range.markedChain;
        range.end = uint40(splitAt - 1);
    }

    /// @dev Whether `right` (the range right after `range`) can be merged into it: both HELD by the same
    ///      holder with the same endorsement chain, neither frozen nor pledged.
    function mergeable(Range storage range, Range storage right) internal view returns (bool) {
        return
            right.state == RangeState.HELD
            && range.state == RangeState.HELD
            && right.holder == range.holder
            && right.chainHead == range.chainHead
            && right.freeze == Freeze.NONE
            && range.freeze == Freeze.NONE
            && right.pledgee == 0
            && range.pledgee == 0;
    }

    /// @dev Merges the range at `following` into `range` (which ends right before it).
    function merge(mapping(uint256 start => Range) storage ranges, Range storage range, uint256 following) internal {
        range.end = ranges[following].end;
        delete ranges[following];
    }
}
