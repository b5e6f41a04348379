#pragma once
// Structured logs: one JSON object per line on stderr, e.g.
// {"time":"...","level":"info","msg":"request","request_id":"...","status":200}
// Never pass secrets, tokens or passwords as fields.
#include <string_view>

#include <boost/json/object.hpp>

namespace admit::log {

enum class Level { debug, info, warn, error };

void set_level(Level level);
// True when a line at `level` would be written: lets a hot path skip building its fields.
bool enabled(Level level) noexcept;
void write(Level level, std::string_view message, boost::json::object fields = {});
inline void debug(std::string_view m, boost::json::object f = {}) { write(Level::debug, m, std::move(f)); }
inline void info(std::string_view m, boost::json::object f = {}) { write(Level::info, m, std::move(f)); }
inline void warn(std::string_view m, boost::json::object f = {}) { write(Level::warn, m, std::move(f)); }
inline void error(std::string_view m, boost::json::object f = {}) { write(Level::error, m, std::move(f)); }

}  // namespace admit::log
