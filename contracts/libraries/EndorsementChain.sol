// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {TransferKind} from "../types/BillTypes.sol";
import {Transfer} from "../types/BillRecords.sol";

/// @title A range's endorsement chain (背书链): the payee, then everyone a signed ENDORSE, DISCOUNT or SEIZURE
///        moved the range to, oldest first, with the guarantors of its holders between them.
/// @dev Stored as a persistent linked list over the transfers: a range's `chainHead` is its newest node, each
///      node's `parent` the one before, node 0 the root (the bill's payee). A GUARANTEE node binds its `to` as
///      guarantor of the member before it (the range's holder when it was signed) and moves nothing: the
///      chain's members, as `members` lists them, are the other nodes. Member codes and node ids are
///      identities, not balances: strict equality is the point of every comparison here.
// slither-disable-start incorrect-equality
library EndorsementChain {
    /// @dev A chain read into memory once, oldest first: node 0 the payee (kind NONE).
    struct Links {
        uint32[] codes;
        TransferKind[] kinds;
        bool[] restrictive;
    }

    /// @dev The recourse question: who claims (`holder`), against whom (`target`), on a bill of which drawer and
    ///      acceptor, after a late presentment or not.
    struct Claim {
        uint32 holder;
        uint32 target;
        uint32 drawer;
        uint32 acceptor;
        bool late;
    }

    /// @dev How many nodes the chain of `head` holds, the payee and guarantee nodes included.
    function length(mapping(uint256 id => Transfer) storage nodes, uint256 head) internal view returns (uint256 n) {
        n = 1;
        for (uint256 node = head; node != 0; node = nodes[node].parent) ++n;
    }

    /// @dev The chain's member codes, payee first (guarantors left out).
    function members(
        mapping(uint256 id => Transfer) storage nodes,
        uint256 head,
        uint32 payee
    ) internal view returns (uint32[] memory codes) {
        Links memory links = load(nodes, head, payee);
        uint256 count = 0;
        for (uint256 i = 0; i < links.codes.length; ++i) {
            if (links.kinds[i] != TransferKind.GUARANTEE) ++count;
        }
        codes = new uint32[](count);
        count = 0;
        for (uint256 i = 0; i < links.codes.length; ++i) {
            if (links.kinds[i] != TransferKind.GUARANTEE) {
                codes[count] = links.codes[i];
                ++count;
            }
        }
    }

    /// @dev Whether `target` is strictly earlier in a plain chain (only ENDORSE and DISCOUNT nodes, none restrictive)
    ///      than `holder`'s first appearance: DOMAIN.md's liability beyond drawer and acceptor there, in one walk
    ///      from the newest node back to the root (the last holder node met is its first appearance).
    function precedes(
        mapping(uint256 id => Transfer) storage nodes,
        uint256 head,
        uint32 payee,
        uint32 holder,
        uint32 target
    ) internal view returns (bool earlier) {
        bool holderSeen = false;
        for (uint256 node = head; ; node = nodes[node].parent) {
            uint32 who = node == 0 ? payee : nodes[node].to;
            if (who == holder) {
                holderSeen = true;
                earlier = false;
            } else if (who == target && holderSeen) {
                earlier = true;
            }
            if (node == 0) break;
        }
    }

    /// @dev The whole chain of `head`, oldest first.
    function load(
        mapping(uint256 id => Transfer) storage nodes,
        uint256 head,
        uint32 payee
    ) internal view returns (Links memory links) {
        uint256 n = length(nodes, head);
        links.codes = new uint32[](n);
        links.kinds = new TransferKind[](n);
        links.restrictive = new bool[](n);
        links.codes[0] = payee;
        uint256 i = n;
        for (uint256 node = head; node != 0; node = nodes[node].parent) {
            Transfer storage t = nodes[node];
            links.codes[--i] = t.to;
            links.kinds[i] = t.kind;
            links.restrictive[i] = t.restrictive;
        }
    }

    /// @dev Whether `c.target` is liable to `c.holder` through the chain (DOMAIN.md, "Recourse", "Guarantees",
    ///      "Restrictive endorsement"; the drawer, the acceptor and their guarantors of the whole bill are the
    ///      caller's to check). The holder claims from its first appearance in the chain; a guarantor that paid
    ///      for a party (its first appearance a GUARANTEE node) claims as that party would, and from it. Liable:
    ///      - a member strictly earlier than the claimant's first appearance that passed the range on of its own
    ///        will (not seized from it), unless that endorsement was restrictive and its endorsee is not the
    ///        claimant; nobody, after a late presentment; nobody, when the holder is not in the chain;
    ///      - the party a paying guarantor guaranteed;
    ///      - a guarantor of a party so liable, or of the drawer or the acceptor (not of the holder itself).
    function liable(Links memory links, Claim memory c) internal pure returns (bool) {
        uint256 n = links.codes.length;
        uint256 first = _firstOf(links, c.holder, false);
        uint32 claimant = c.holder;
        uint256 position = first;
        if (first < n && links.kinds[first] == TransferKind.GUARANTEE) {
            claimant = links.codes[_principal(links, first)];
            position = _firstOf(links, claimant, true);
        }
        if (c.late) {
            // only the drawer and the acceptor, and their guarantors
            position = 0;
            claimant = c.holder;
        }
        if (c.target == claimant && claimant != c.holder) return true;
        if (_endorserLiable(links, position, claimant, c.target)) return true;
        for (uint256 g = 1; g < n; ++g) {
            if (links.kinds[g] != TransferKind.GUARANTEE || links.codes[g] != c.target) continue;
            uint32 party = links.codes[_principal(links, g)];
            if (party == c.holder) continue;
            if (party == c.drawer || party == c.acceptor) return true;
            if (party == claimant || _endorserLiable(links, position, claimant, party)) return true;
        }
        return false;
    }

    /// @dev Whether `who` passed the range on of its own will at a member node before `position` (the claimant's
    ///      first appearance: a member node, or n), restrictively only to `claimant`.
    function _endorserLiable(
        Links memory links,
        uint256 position,
        uint32 claimant,
        uint32 who
    ) private pure returns (bool) {
        uint256 n = links.codes.length;
        if (position >= n) return false; // the holder is in no node: no member before it
        for (uint256 i = 0; i < position; ++i) {
            if (links.kinds[i] == TransferKind.GUARANTEE || links.codes[i] != who) continue;
            uint256 next = i + 1;
            while (links.kinds[next] == TransferKind.GUARANTEE) ++next; // a member node: `position` is one
            TransferKind step = links.kinds[next];
            if (step == TransferKind.SEIZURE) continue;
            if (links.restrictive[next] && links.codes[next] != claimant) continue;
            return true;
        }
        return false;
    }

    /// @dev The first node of `code`: any node, or (`memberOnly`) a member node; the chain's length when none.
    function _firstOf(Links memory links, uint32 code, bool memberOnly) private pure returns (uint256 i) {
        uint256 n = links.codes.length;
        for (i = 0; i < n; ++i) {
            if (links.codes[i] == code && !(memberOnly && links.kinds[i] == TransferKind.GUARANTEE)) return i;
        }
    }

    /// @dev The member node a GUARANTEE node at `g` guarantees: the nearest member node before it.
    function _principal(Links memory links, uint256 g) private pure returns (uint256 i) {
        i = g;
        do {
            --i;
        } while (links.kinds[i] == TransferKind.GUARANTEE);
    }
}
// slither-disable-end incorrect-equality
