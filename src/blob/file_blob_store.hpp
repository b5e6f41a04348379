#pragma once
// BlobStore in a folder (by default <data_dir>/blobs): a key is a relative path below it.
// put() writes a temporary file, fsyncs it and renames it over the old one, so a reader
// sees the old bytes or the new ones, never a mix. No presigned URLs: the server serves
// the bytes itself behind its own signed links.
#include <filesystem>

#include "domain/ports/blob_store.hpp"

namespace admit::blob {

class FileBlobStore final : public BlobStore {
 public:
  explicit FileBlobStore(std::filesystem::path root);

  Status put(const std::string& key, std::string_view bytes, const std::string& content_type) override;
  Result<std::optional<std::string>> get(const std::string& key) override;
  Result<bool> exists(const std::string& key) override;
  Status remove(const std::string& key) override;
  std::optional<std::string> presigned_get(const std::string&, std::chrono::seconds,
                                           const std::string&) override {
    return std::nullopt;
  }

 private:
  std::filesystem::path root_;
};

}  // namespace admit::blob
