// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title DOMAIN.md's discount price: the one copy the transparent registry and the confidential ledger use.
/// @dev The discount circuit (circuits/lib, DiscountPrice) proves the same rule; tests check the two agree.
library DiscountPricing {
    /// @dev a rate's unit: rates are in millionths
    uint256 internal constant RATE_ONE = 1_000_000;

    /// @notice amount - round_half_up(amount * rate * days / 360), the rate in millionths.
    /// @param amount the discounted amount in fen
    /// @param rateMicros the annual rate in millionths
    /// @param days_ the days from the discount day to maturity, plus the adjust days
    /// @return the price in fen
    function price(uint256 amount, uint256 rateMicros, uint256 days_) internal pure returns (uint256) {
        uint256 numerator = amount * rateMicros * days_;
        uint256 denominator = 360 * RATE_ONE;
        return amount - (2 * numerator + denominator) / (2 * denominator);
    }
}
