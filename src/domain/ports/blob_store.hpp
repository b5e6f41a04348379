#pragma once
// BlobStore: named byte strings that outlive the process (ticket PDFs). Keys are relative
// paths of [A-Za-z0-9._-] segments separated by '/', e.g. "tickets/reg_0123.pdf".
// Implementations: blob/file_blob_store (a folder under the data folder, the default) and
// blob/s3_blob_store (S3-compatible object storage). Thread-safe; calls block (network or
// disk), so they run on pools, never on network threads.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace admit {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Stores the bytes under the key, replacing what was there; readers never see a partial
  // object. unavailable when the store cannot be reached (retry later).
  virtual Status put(const std::string& key, std::string_view bytes,
                     const std::string& content_type) = 0;
  // The bytes, or nullopt when there is no such object.
  virtual Result<std::optional<std::string>> get(const std::string& key) = 0;
  virtual Result<bool> exists(const std::string& key) = 0;
  virtual Status remove(const std::string& key) = 0;
  // A URL a client may GET the object from directly for `ttl` (an S3 presigned URL), with
  // `download_name` as its file name; nullopt when the store has no such URLs and the
  // server must serve the bytes itself (the file store).
  virtual std::optional<std::string> presigned_get(const std::string& key,
                                                   std::chrono::seconds ttl,
                                                   const std::string& download_name) = 0;
};

// Whether a key is of the allowed form (the stores refuse others with bad_request).
bool valid_blob_key(std::string_view key) noexcept;

}  // namespace admit
