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
    /// @dev The bits of a range's `paidFor` (the parties its holder paid recourse for as their guarantor): the
    ///      drawer, the acceptor (as their guarantor of the whole bill), then the distinct parties the holder
    ///      guarantees on the chain (`guaranteedBy`), one bit each: a guarantor guarantees at most GUARANTEE_BITS
    ///      parties of one range's chain (`mayGuarantee`). PAYS_AS_GUARANTOR marks a pending recourse's payer
    ///      liable as nothing but a guarantor (its whole-bill bits are added when it signs).
    uint16 internal constant PAID_FOR_DRAWER = 1;
    uint16 internal constant PAID_FOR_ACCEPTOR = 2;
    uint256 internal constant FIRST_GUARANTEE_BIT = 2;
    uint256 internal constant GUARANTEE_BITS = 13;
    uint16 internal constant PAYS_AS_GUARANTOR = uint16(1) << 15;

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
        uint16 paidFor;
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
    ///      "Restrictive endorsement"; the guarantors of the whole bill are the caller's to check), and, when it is
    ///      liable as nothing but a guarantor, the parties it would pay for (`paysFor`, with PAYS_AS_GUARANTOR set):
    ///      every party it guarantees on the chain that is directly liable to the holder. Liable:
    ///      - directly: the drawer and the acceptor; unless the presentment was late, every member earlier than the
    ///        holder's first member appearance that passed the range on of its own will (not seized from it; a
    ///        restrictive endorser only to its own endorsee), and, for a holder that paid recourse as a guarantor
    ///        (`c.paidFor`), the parties it paid for and everyone so liable to them;
    ///      - a guarantor of a party directly liable (not of the holder itself).
    function liable(Links memory links, Claim memory c) internal pure returns (bool, uint16 paysFor) {
        if (_direct(links, c, c.target)) return (true, 0);
        (uint32[] memory parties, uint256 count) = guaranteedBy(links, c.target);
        bool bound = false;
        for (uint256 k = 0; k < count; ++k) {
            uint32 party = parties[k];
            if (party != c.holder && _direct(links, c, party)) {
                bound = true;
                if (k < GUARANTEE_BITS) paysFor |= uint16(1 << (FIRST_GUARANTEE_BIT + k));
            }
        }
        if (bound) paysFor |= PAYS_AS_GUARANTOR;
        return (bound, paysFor);
    }

    /// @dev The distinct parties `guarantor` guarantees on the chain, each once, in the order of its first GUARANTEE
    ///      node for it (`count` of them): party k's bit in a range's `paidFor` is FIRST_GUARANTEE_BIT + k.
    function guaranteedBy(
        Links memory links,
        uint32 guarantor
    ) internal pure returns (uint32[] memory parties, uint256 count) {
        uint256 n = links.codes.length;
        parties = new uint32[](n);
        for (uint256 g = 1; g < n; ++g) {
            if (links.kinds[g] != TransferKind.GUARANTEE || links.codes[g] != guarantor) continue;
            uint32 party = links.codes[_principal(links, g)];
            bool known = false;
            for (uint256 k = 0; k < count && !known; ++k) known = parties[k] == party;
            if (!known) {
                parties[count] = party;
                ++count;
            }
        }
    }

    /// @dev Whether `guarantor` may guarantee `party` on the chain: it guarantees it already, or fewer than
    ///      GUARANTEE_BITS parties (each has its bit in `paidFor`, so that no payment leaves a claim unrecorded).
    function mayGuarantee(Links memory links, uint32 guarantor, uint32 party) internal pure returns (bool) {
        (uint32[] memory parties, uint256 count) = guaranteedBy(links, guarantor);
        for (uint256 k = 0; k < count; ++k) {
            if (parties[k] == party) return true;
        }
        return count < GUARANTEE_BITS;
    }

    /// @dev Whether `who` is liable to the claim's holder in its own name (see `liable`).
    function _direct(Links memory links, Claim memory c, uint32 who) private pure returns (bool) {
        if (who == c.drawer || who == c.acceptor) return true;
        if (c.late) return false;
        if (_endorserLiable(links, c.holder, who)) return true;
        uint16 paid = c.paidFor;
        if (paid == 0) return false;
        if ((paid & PAID_FOR_DRAWER) != 0 && _endorserLiable(links, c.drawer, who)) return true;
        if ((paid & PAID_FOR_ACCEPTOR) != 0 && _endorserLiable(links, c.acceptor, who)) return true;
        (uint32[] memory parties, uint256 count) = guaranteedBy(links, c.holder);
        for (uint256 k = 0; k < count && k < GUARANTEE_BITS; ++k) {
            if ((paid & (uint16(1) << (FIRST_GUARANTEE_BIT + k))) == 0) continue;
            uint32 party = parties[k];
            if (who == party || _endorserLiable(links, party, who)) return true;
        }
        return false;
    }

    /// @dev Whether `who` is liable to `claimant` through its chain: `who` passed the range on of its own will at a
    ///      member node before `claimant`'s first member appearance (none when it has none), restrictively only to
    ///      `claimant`.
    function _endorserLiable(Links memory links, uint32 claimant, uint32 who) private pure returns (bool) {
        uint256 position = _firstMember(links, claimant);
        if (position == links.codes.length) return false; // not a member: no one is earlier
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

    /// @dev The first member node (not a GUARANTEE node) of `code`; the chain's length when none.
    function _firstMember(Links memory links, uint32 code) private pure returns (uint256 i) {
        uint256 n = links.codes.length;
        for (i = 0; i < n; ++i) {
            if (links.codes[i] == code && links.kinds[i] != TransferKind.GUARANTEE) return i;
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
