#pragma once
// TicketCodes over the keyring's verifier (tickets/ticket_code.hpp): the one verifier.
#include <memory>

#include "domain/ports/ticket_codes.hpp"
#include "tickets/keyring.hpp"

namespace admit::app {

class AppTicketCodes final : public TicketCodes {
 public:
  explicit AppTicketCodes(std::shared_ptr<const tickets::TicketKeyring> keys) : keys_(std::move(keys)) {}
  CodeCheck check(std::string_view text) const override;
  std::vector<BundleKey> verifying_keys() const override;

 private:
  std::shared_ptr<const tickets::TicketKeyring> keys_;
};

}  // namespace admit::app
