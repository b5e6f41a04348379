#pragma once
// FileMailer: the default Mailer, for running with no mail server. Each message becomes
// one RFC 5322 .eml file in `<data_dir>/outbox/` named "<UTC time>-<message id>.eml",
// written to a hidden temporary name (".tmp-...", no .eml suffix) first and renamed, so a
// reader listing *.eml files never sees half a file.
// Sending the same message again overwrites its file. Thread-safe.
#include <filesystem>
#include <string>

#include "domain/ports/mailer.hpp"

namespace admit::mail {

class FileMailer final : public Mailer {
 public:
  FileMailer(std::filesystem::path directory, std::string from);
  Status send(const MailMessage& message) override;
  const std::filesystem::path& directory() const noexcept { return directory_; }

 private:
  std::filesystem::path directory_;
  std::string from_;
};

}  // namespace admit::mail
