#pragma once
// Helpers shared by the account services' translation units (account_*.cpp); not for use
// elsewhere.
#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "domain/model/user.hpp"

namespace admit::account_detail {

// Names and emails as accounts take them (FieldErrors naming `name` / `email`).
void check_name(FieldErrors& errors, const std::string& name);
void check_email(FieldErrors& errors, const std::string& email);
// An erased account (AccountStore::erase_user): it signs in and acts no more.
bool is_deleted(const User& u);
// At most `max` bytes of `s`, control characters as spaces (addresses, user agents).
std::string shorten(std::string_view s, std::size_t max);
inline constexpr std::size_t kUserAgentMax = 200;
// `s` as a JSON string literal, for audit details.
std::string json_string(std::string_view s);

}  // namespace admit::account_detail
