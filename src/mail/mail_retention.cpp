#include "mail/mail_retention.hpp"

#include <system_error>

namespace admit::mail {

std::size_t delete_old_mail(const std::filesystem::path& directory, std::chrono::seconds keep,
                            std::filesystem::file_time_type now) {
  std::error_code ec;
  std::filesystem::directory_iterator it(directory, ec);
  if (ec) return 0;
  const auto cutoff = now - keep;
  std::size_t deleted = 0;
  for (const auto& entry : it) {
    if (entry.path().extension() != ".eml" || !entry.is_regular_file(ec)) continue;
    const auto written = entry.last_write_time(ec);
    if (ec || written >= cutoff) continue;
    if (std::filesystem::remove(entry.path(), ec) && !ec) ++deleted;
  }
  return deleted;
}

}  // namespace admit::mail
