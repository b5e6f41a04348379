// Sent .eml files are deleted once older than the retention; nothing else is touched.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/random.hpp"
#include "mail/mail_retention.hpp"

namespace admit::mail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class MailRetention : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("admit-retention-" + new_id("t"));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, fs::file_time_type when) {
    auto p = dir_ / name;
    std::ofstream(p) << "Subject: x\r\n\r\nbody\r\n";
    fs::last_write_time(p, when);
    return p;
  }
  fs::path dir_;
};

TEST_F(MailRetention, DeletesOnlyEmlFilesOlderThanTheRetention) {
  const auto now = fs::file_time_type::clock::now();
  auto old_mail = write("20260101T000000000Z-a.eml", now - 8 * 24h);
  auto fresh_mail = write("20260107T000000000Z-b.eml", now - 6 * 24h);
  auto old_other = write("notes.txt", now - 30 * 24h);
  auto temp = write(".tmp-eml_x", now - 30 * 24h);  // a mail still being written
  fs::create_directories(dir_ / "old.eml");         // not a regular file
  EXPECT_EQ(delete_old_mail(dir_, std::chrono::seconds(7 * 24h), now), 1u);
  EXPECT_FALSE(fs::exists(old_mail));
  EXPECT_TRUE(fs::exists(fresh_mail));
  EXPECT_TRUE(fs::exists(old_other));
  EXPECT_TRUE(fs::exists(temp));
  EXPECT_TRUE(fs::exists(dir_ / "old.eml"));
  // A day later the second one goes too.
  EXPECT_EQ(delete_old_mail(dir_, std::chrono::seconds(7 * 24h), now + 2 * 24h), 1u);
  EXPECT_FALSE(fs::exists(fresh_mail));
}

TEST_F(MailRetention, AMissingFolderDeletesNothing) {
  EXPECT_EQ(delete_old_mail(dir_ / "absent", 1s), 0u);
}

}  // namespace
}  // namespace admit::mail
