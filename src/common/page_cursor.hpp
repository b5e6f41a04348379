#pragma once
// Keyset page cursors: "<sort key in ms>.<id>", the position of a page's last item. The
// stores and the in-memory event list make and read the same form, so either may answer
// the next page.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace admit {

std::string make_page_cursor(std::int64_t ms, std::string_view id);

// The key and id of a cursor, or nothing when it is not one (empty parts, a key that is not
// a whole number, longer than 200 characters).
std::optional<std::pair<std::int64_t, std::string>> parse_page_cursor(std::string_view cursor);

}  // namespace admit
