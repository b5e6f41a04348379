#pragma once
// A SELECT's column list named once, for the query and the row mapper alike: the SQL text
// comes from list(), and the mapper finds each value by its column's name, resolved at
// compile time (an unknown name does not compile). Adding, removing or reordering a
// column therefore cannot shift what the mapper reads.
//
//   constexpr ColumnList kPromo{"id", "code", "uses"};
//   conn.query("SELECT " + kPromo.list() + " FROM promo_codes ...");
//   p.code = row.text(kPromo["code"]);
//
// A row that joins two lists reads the second at an offset: row.text(kPromo.size() +
// kUser["email"]).
//
// An expression is named by its alias (`expr AS name`, name in [a-z0-9_]), or by its whole
// text:
//
//   constexpr ColumnList kCounts{"CAST(COUNT(*) AS BIGINT) AS sold", "t.status"};
//   b.sold = row.i64(kCounts["sold"]);
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace admit::sql {

template <std::size_t N>
class ColumnList {
 public:
  template <class... Names>
  consteval explicit ColumnList(Names... names) : names_{std::string_view(names)...} {
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = i + 1; j < N; ++j)
        if (names_[i] == names_[j]) throw "a column list names a column twice";
  }

  // The position of `name` in the list; not a constant expression (so a compile error)
  // when the list has no such column.
  consteval std::size_t operator[](std::string_view name) const {
    for (std::size_t i = 0; i < N; ++i)
      if (names_[i] == name || alias_of(names_[i]) == name) return i;
    throw "no such column in this list";
  }

  static constexpr std::size_t size() noexcept { return N; }

  // "a, b, c" for a SELECT (or an INSERT's column list); with a table alias "t": "t.a,
  // t.b, t.c".
  std::string list(std::string_view alias = {}) const { return append_to(std::string(), alias); }
  // "SELECT a, b, c" (built by appending: GCC 12 at -O3 warns falsely on "SELECT " + list()).
  std::string select(std::string_view alias = {}) const { return append_to("SELECT ", alias); }

 private:
  // "x AS name" -> "name"; empty when the column has no alias (the last " AS " of
  // "CAST(x AS BIGINT)" is followed by more than a plain name).
  static consteval std::string_view alias_of(std::string_view column) {
    const auto at = column.rfind(" AS ");
    if (at == std::string_view::npos) return {};
    const std::string_view alias = column.substr(at + 4);
    if (alias.empty()) return {};
    for (const char ch : alias)
      if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return {};
    return alias;
  }

  std::string append_to(std::string out, std::string_view alias) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (i > 0) out += ", ";
      if (!alias.empty()) out.append(alias).append(".");
      out += names_[i];
    }
    return out;
  }

  std::array<std::string_view, N> names_;
};

template <class... Names>
ColumnList(Names...) -> ColumnList<sizeof...(Names)>;

}  // namespace admit::sql
