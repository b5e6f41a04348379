#include "mail/file_mailer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/random.hpp"
#include "common/time.hpp"
#include "mail/message_format.hpp"

namespace admit::mail {
namespace {

std::string file_safe(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    out += ok ? c : '_';
  }
  return out.substr(0, 80);
}

// "20261125T193516250Z": fixed width, so file names sort in time order. (RFC 3339 text
// drops a zero millisecond part, and "...16Z" sorts after "...16250Z".)
std::string compact_time(Timestamp t) {
  const Timestamp second = std::chrono::floor<std::chrono::seconds>(t);
  std::string out;
  for (char c : format_rfc3339(second))  // no fraction: a whole second
    if (c != '-' && c != ':' && c != 'Z') out += c;
  return out + fmt::format("{:03d}Z", (t - second).count());
}

}  // namespace

FileMailer::FileMailer(std::filesystem::path directory, std::string from)
    : directory_(std::move(directory)), from_(std::move(from)) {}

Status FileMailer::send(const MailMessage& message) {
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec) return Error::unavailable(60, "cannot create " + directory_.string() + ": " + ec.message());
  const std::string text = render_message(message, from_);
  const std::string name = compact_time(message.date) + "-" + file_safe(message.id) + ".eml";
  const auto final_path = directory_ / name;
  // The temporary name neither ends in .eml nor shows in a listing of *.eml files.
  const auto temp_path = directory_ / (".tmp-" + new_id("eml"));
  int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::unavailable(60, "cannot write " + temp_path.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      std::filesystem::remove(temp_path, ec);
      return Error::unavailable(60, "cannot write " + temp_path.string() + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::filesystem::remove(temp_path, ec);
    return Error::unavailable(60, "cannot write " + temp_path.string());
  }
  std::filesystem::rename(temp_path, final_path, ec);
  if (ec) {
    std::filesystem::remove(temp_path, ec);
    return Error::unavailable(60, "cannot rename to " + final_path.string());
  }
  return {};
}

}  // namespace admit::mail
