#include "app/ticket_codes.hpp"

namespace admit::app {

CodeCheck AppTicketCodes::check(std::string_view text) const {
  CodeCheck out;
  auto v = keys_->verifier().verify(text);
  if (!v.ok()) {
    out.problem = std::string(tickets::to_string(v.problem));
    return out;
  }
  out.genuine = true;
  out.ticket_id = std::move(v.claim->ticket_id);
  out.event_id = std::move(v.claim->event_id);
  return out;
}

std::vector<BundleKey> AppTicketCodes::verifying_keys() const {
  std::vector<BundleKey> out;
  for (const auto& [id, key] : keys_->verifier().keys()) out.push_back({id, tickets::key_hex(key)});
  return out;
}

}  // namespace admit::app
