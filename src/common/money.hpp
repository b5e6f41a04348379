#pragma once
// Money is integer minor units of an ISO 4217 currency; how many digits the minor unit has
// depends on the currency (JPY none, EUR two, KWD three).
#include <cstdint>
#include <string>
#include <string_view>

namespace admit {

// Digits after the decimal point for the currency (2 when unknown).
int currency_exponent(std::string_view currency) noexcept;
// "12.50 EUR", "1200 JPY", "1.250 KWD", "-3.00 USD"; free tickets are "0.00 EUR".
std::string format_money(std::int64_t minor, std::string_view currency);

}  // namespace admit
