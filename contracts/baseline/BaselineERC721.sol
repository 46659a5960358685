// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @title Benchmark baseline only: a plain OpenZeppelin ERC-721 with an open mint.
/// @dev Not deployed by the platform; `make bench` measures its mint and transfer gas
///      in the same run as the bill operations.
contract BaselineERC721 is ERC721 {
    constructor() ERC721("baseline", "BASE") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}
