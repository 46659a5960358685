// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Transfer} from "../types/BillRecords.sol";

/// @title A range's endorsement chain (背书链): the payee, then everyone a signed ENDORSE or DISCOUNT
///        moved the range to, oldest first.
/// @dev Stored as a persistent linked list over the transfers: a range's `chainHead` is its newest
///      node, each node's `parent` the one before, node 0 the root (the bill's payee).
library EndorsementChain {
    /// @dev How many participants the chain of `head` holds, the payee included.
    function length(mapping(uint256 id => Transfer) storage nodes, uint256 head) internal view returns (uint256 n) {
        n = 1;
        for (uint256 node = head; node != 0; node = nodes[node].parent) ++n;
    }

    /// @dev The chain's member codes, payee first.
    function members(
        mapping(uint256 id => Transfer) storage nodes,
        uint256 head,
        uint32 payee
    ) internal view returns (uint32[] memory codes) {
        codes = new uint32[](length(nodes, head));
        codes[0] = payee;
        uint256 i = codes.length;
        for (uint256 node = head; node != 0; node = nodes[node].parent) {
            codes[--i] = nodes[node].to;
        }
    }

    /// @dev Whether `target` is strictly earlier in the chain than `holder`'s first appearance (DOMAIN.md's
    ///      recourse liability beyond drawer and acceptor). Member codes and node ids are identities, not
    ///      balances: strict equality is the point.
    function precedes(
        mapping(uint256 id => Transfer) storage nodes,
        uint256 head,
        uint32 payee,
        uint32 holder,
        uint32 target
    ) internal view returns (bool liable) {
        bool holderSeen = false;
        // Walk from the newest node back to the root; the last holder node met is its first appearance.
        // slither-disable-next-line incorrect-equality
        for (uint256 node = head; ; node = nodes[node].parent) {
            // slither-disable-next-line incorrect-equality
            uint32 who = node == 0 ? payee : nodes[node].to;
            // slither-disable-next-line incorrect-equality
            if (who == holder) {
                holderSeen = true;
                liable = false;
                // slither-disable-next-line incorrect-equality
            } else if (who == target && holderSeen) {
                liable = true;
            }
            // slither-disable-next-line incorrect-equality
            if (node == 0) break;
        }
    }
}
