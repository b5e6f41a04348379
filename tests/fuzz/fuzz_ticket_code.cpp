// Fuzz target: ticket codes as a door scanner receives them (tickets/ticket_code.hpp).
// Properties: nothing crashes; a text that decodes is the one canonical encoding of what
// it decodes to; a text that verifies is exactly the code the key's holder would sign for
// that ticket (nothing else verifies); base45 decoding inverts encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tickets/ticket_code.hpp"

namespace {

// A fixed key, so the seed corpus can hold genuine codes (corpus/ticket_code/genuine.txt).
const admit::tickets::TicketSigner& signer() {
  static const admit::tickets::TicketSigner s(
      1, *admit::tickets::secret_from_seed_hex(
             "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace admit::tickets;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const TicketVerifier verifier = [] {
    TicketVerifier v;
    v.trust(1, signer().public_key());
    return v;
  }();
  if (auto decoded = decode_ticket_code(text)) {
    const std::string bytes =
        decoded->signed_bytes +
        std::string(reinterpret_cast<const char*>(decoded->signature.data()), decoded->signature.size());
    if ("AT" + base45_encode(bytes) != text) std::abort();
  }
  auto out = verifier.verify(text);
  if (out.ok()) {
    auto again = signer().sign(out.claim->ticket_id, out.claim->event_id);
    if (!again || *again != text) std::abort();
  }
  if (auto raw = base45_decode(text)) {
    if (base45_encode(*raw).size() != text.size()) std::abort();
    if (base45_decode(base45_encode(*raw)) != raw) std::abort();
  }
  const std::string encoded = base45_encode(text);
  if (base45_decode(encoded) != std::optional<std::string>(std::string(text))) std::abort();
  return 0;
}
