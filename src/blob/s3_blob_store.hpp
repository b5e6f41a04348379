#pragma once
// BlobStore on S3-compatible object storage (AWS S3, MinIO, s3rver, ...), path-style
// addressing: <endpoint>/<bucket>/<key>. Requests are signed by libcurl's built-in AWS
// Signature Version 4 (CURLOPT_AWS_SIGV4); presigned GET URLs (SigV4 in the query string,
// signed here with libsodium's HMAC-SHA256) let clients download without the server.
// Thread-safe: each call uses its own curl handle.
#include <chrono>
#include <string>

#include "domain/ports/blob_store.hpp"

namespace admit::blob {

struct S3Options {
  std::string endpoint;  // "https://s3.eu-central-1.amazonaws.com", "http://127.0.0.1:4569"
  std::string region;    // "us-east-1"
  std::string bucket;
  std::string access_key;
  std::string secret_key;
  long timeout_seconds = 30;
};

class S3BlobStore final : public BlobStore {
 public:
  explicit S3BlobStore(S3Options options);

  Status put(const std::string& key, std::string_view bytes, const std::string& content_type) override;
  Result<std::optional<std::string>> get(const std::string& key) override;
  Result<bool> exists(const std::string& key) override;
  Status remove(const std::string& key) override;
  std::optional<std::string> presigned_get(const std::string& key, std::chrono::seconds ttl,
                                           const std::string& download_name) override;
  // The same, at a given time (tests).
  std::string presign_at(const std::string& key, std::chrono::seconds ttl,
                         const std::string& download_name,
                         std::chrono::system_clock::time_point now) const;

 private:
  struct Reply {
    long status = 0;
    std::string body;
  };
  Result<Reply> request(const char* method, const std::string& key, std::string_view body,
                        const std::string& content_type) const;

  S3Options o_;
  std::string host_;  // host[:port] as in the endpoint
};

// RFC 3986 percent-encoding as SigV4 wants it; '/' kept when `keep_slash`.
std::string sigv4_encode(std::string_view text, bool keep_slash);

}  // namespace admit::blob
