#pragma once
// Shared fixture of the suites that issue and scan tickets (tickets, check-in): the
// registration fixture plus a ticket keyring in a scratch folder of the test's own
// (removed at TearDown), and confirmed registrations made through the engine.
#include <filesystem>
#include <memory>

#include "integration/store/registration_test_support.hpp"
#include "tickets/keyring.hpp"

namespace admit::test {

class TicketFixture : public RegistrationFixture {
 protected:
  void SetUp() override {
    RegistrationFixture::SetUp();
    dir_ = std::filesystem::temp_directory_path() / ("admit-store-" + new_id("t"));
    keys_ = *tickets::TicketKeyring::open({dir_ / "keys", "", ""});
  }
  // Subclasses release what uses the keyring or the folder first.
  void TearDown() override {
    RegistrationFixture::TearDown();
    std::filesystem::remove_all(dir_);
  }

  Registration registered(const Event& e, const UserRef& u, std::int64_t quantity = 1) {
    auto out = submit(request(e, u, quantity));
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().detail);
    return out->registration;
  }

  std::filesystem::path dir_;
  std::shared_ptr<tickets::TicketKeyring> keys_;
};

}  // namespace admit::test
