#include "common/money.hpp"

#include <array>

namespace admit {

int currency_exponent(std::string_view c) noexcept {
  // ISO 4217 minor units of the currencies that do not use two.
  static constexpr std::array<std::string_view, 16> kZero{
      "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
      "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF"};
  static constexpr std::array<std::string_view, 7> kThree{"BHD", "IQD", "JOD", "KWD",
                                                          "LYD", "OMR", "TND"};
  for (auto z : kZero)
    if (z == c) return 0;
  for (auto t : kThree)
    if (t == c) return 3;
  return 2;
}

std::string format_money(std::int64_t minor, std::string_view currency) {
  const int exp = currency_exponent(currency);
  const bool negative = minor < 0;
  // Magnitude without overflow for INT64_MIN.
  std::uint64_t m = negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::uint64_t scale = 1;
  for (int i = 0; i < exp; ++i) scale *= 10;
  std::string out = negative ? "-" : "";
  out += std::to_string(m / scale);
  if (exp > 0) {
    std::string frac = std::to_string(m % scale);
    out += '.';
    out.append(static_cast<std::size_t>(exp) - frac.size(), '0');
    out += frac;
  }
  out += ' ';
  out += currency;
  return out;
}

}  // namespace admit
