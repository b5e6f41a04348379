#pragma once
// Retention of outgoing mail files. The file mailer keeps every sent message as an .eml
// file (names, email addresses, sign-in links: personal data), so they are deleted a set
// time after sending. The time is the file's modification time, which is when the message
// was written, i.e. sent.
#include <chrono>
#include <cstddef>
#include <filesystem>

namespace admit::mail {

// Deletes the regular files named *.eml directly in `directory` last written before
// `now - keep`; returns how many. A missing directory deletes nothing; a file that cannot
// be deleted is skipped (and tried again next time).
std::size_t delete_old_mail(const std::filesystem::path& directory, std::chrono::seconds keep,
                            std::filesystem::file_time_type now = std::filesystem::file_time_type::clock::now());

}  // namespace admit::mail
