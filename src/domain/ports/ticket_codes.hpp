#pragma once
// TicketCodes: checking a scanned QR text without the database (tickets/ticket_code.hpp's
// TicketVerifier behind a port, joined in app/). Thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "domain/model/checkin.hpp"

namespace admit {

struct CodeCheck {
  bool genuine = false;   // the signature verifies against a trusted key
  std::string ticket_id;  // set when genuine
  std::string event_id;
  std::string problem;    // malformed | unknown_key | bad_signature when not genuine
};

class TicketCodes {
 public:
  virtual ~TicketCodes() = default;
  virtual CodeCheck check(std::string_view text) const = 0;
  // The public keys a scanner needs to check codes itself (offline bundle).
  virtual std::vector<BundleKey> verifying_keys() const = 0;
};

}  // namespace admit
