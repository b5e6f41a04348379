#include "common/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include <boost/json/serialize.hpp>

#include "common/time.hpp"

namespace admit::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;

const char* name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}
}  // namespace

void set_level(Level level) { g_level.store(level); }

bool enabled(Level level) noexcept { return level >= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view message, boost::json::object fields) {
  if (level < g_level.load(std::memory_order_relaxed)) return;
  boost::json::object line;
  line["time"] = format_rfc3339(std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now()));
  line["level"] = name(level);
  line["msg"] = message;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  std::string text = boost::json::serialize(line);
  text += '\n';
  std::lock_guard lock(g_mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace admit::log
