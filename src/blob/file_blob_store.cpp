#include "blob/file_blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/random.hpp"

namespace admit {

bool valid_blob_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > 512 || key.front() == '/' || key.back() == '/') return false;
  std::size_t segment = 0;
  for (std::size_t i = 0; i <= key.size(); ++i) {
    if (i == key.size() || key[i] == '/') {
      const std::string_view part = key.substr(segment, i - segment);
      if (part.empty() || part == "." || part == "..") return false;
      segment = i + 1;
      continue;
    }
    const char c = key[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace admit

namespace admit::blob {
namespace fs = std::filesystem;

FileBlobStore::FileBlobStore(fs::path root) : root_(std::move(root)) {}

Status FileBlobStore::put(const std::string& key, std::string_view bytes, const std::string&) {
  if (!valid_blob_key(key)) return Error::bad_request("invalid blob key");
  const fs::path path = root_ / key;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Error::unavailable(5, "blob folder cannot be created: " + ec.message());
  const fs::path tmp = path.string() + "." + new_id("tmp") + ".part";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0640);
  if (fd < 0) return Error::unavailable(5, "blob file cannot be created");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const bool ok = done == bytes.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    fs::remove(tmp, ec);
    return Error::unavailable(5, "blob file cannot be written");
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Error::unavailable(5, "blob file cannot be renamed");
  }
  return {};
}

Result<std::optional<std::string>> FileBlobStore::get(const std::string& key) {
  if (!valid_blob_key(key)) return Error::bad_request("invalid blob key");
  std::ifstream in(root_ / key, std::ios::binary);
  if (!in) return std::optional<std::string>{};
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return Error::unavailable(5, "blob file cannot be read");
  return std::optional<std::string>{std::move(out).str()};
}

Result<bool> FileBlobStore::exists(const std::string& key) {
  if (!valid_blob_key(key)) return Error::bad_request("invalid blob key");
  std::error_code ec;
  return fs::is_regular_file(root_ / key, ec);
}

Status FileBlobStore::remove(const std::string& key) {
  if (!valid_blob_key(key)) return Error::bad_request("invalid blob key");
  std::error_code ec;
  fs::remove(root_ / key, ec);
  if (ec) return Error::unavailable(5, "blob file cannot be removed: " + ec.message());
  return {};
}

}  // namespace admit::blob
