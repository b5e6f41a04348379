// Ticket codes (tickets/ticket_code.hpp): the encoding, signing and verifying contract the
// check-in scanner relies on, the keyring (files, rotation), signed download links, money
// by currency exponent and times in an event's zone.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/money.hpp"
#include "common/random.hpp"
#include "common/signed_link.hpp"
#include "common/zoned_time.hpp"
#include "tickets/keyring.hpp"
#include "tickets/pdf_tickets.hpp"
#include "tickets/ticket_code.hpp"

namespace admit::tickets {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string ticket_id() { return new_id("tkt"); }
std::string event_id() { return new_id("evt"); }

TEST(TicketCode, RoundTripsAndVerifies) {
  TicketSigner signer(7, generate_secret_key());
  TicketVerifier verifier;
  verifier.trust(7, signer.public_key());
  const std::string t = ticket_id(), e = event_id();
  auto code = signer.sign(t, e);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->size(), kTicketCodeLength);
  EXPECT_EQ(code->substr(0, 2), "AT");
  for (char c : *code)  // the QR alphanumeric set
    EXPECT_NE(std::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").find(c),
              std::string_view::npos) << c;
  auto out = verifier.verify(*code);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.claim->ticket_id, t);
  EXPECT_EQ(out.claim->event_id, e);
  EXPECT_EQ(out.claim->key_id, 7);
  EXPECT_EQ(out.claim->version, kTicketCodeVersion);
  // Ed25519 is deterministic: the same ticket gives the same code.
  EXPECT_EQ(*signer.sign(t, e), *code);
}

// The same code made by a separate implementation (Node's crypto Ed25519 and a base45 of
// its own), from a fixed seed: the format is what the contract says, not what this code
// happens to do. The fuzz corpus holds it too (corpus/ticket_code/genuine.txt).
TEST(TicketCode, MatchesAnIndependentImplementation) {
  TicketSigner signer(1, *secret_from_seed_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  EXPECT_EQ(*signer.sign("tkt_0123456789abcdef", "evt_ghjkmnpqrstvwxyz"),
            "ATW50N10+E6P8P-VA5 68XG*G7NCR$*E.6FECL1KG77VB/IW7T+:M$S1LTKQ2L*.B+:3IGC2YQBI6ZX5F9B$ZQSOR$%JBHB5U3 HQYJGPMNSDO2VAHX18CTQHIMFO.F8+6O");
}

TEST(TicketCode, FitsAVersion6QrCodeAtLevelM) {
  TicketSigner signer(1, generate_secret_key());
  auto code = signer.sign(ticket_id(), event_id());
  auto modules = qr_modules(*code);
  EXPECT_EQ(modules.size(), 41u);  // version 6: 17 + 4 * 6 modules
}

TEST(TicketCode, EveryAlteredCharacterFails) {
  TicketSigner signer(1, generate_secret_key());
  TicketVerifier verifier;
  verifier.trust(1, signer.public_key());
  const std::string code = *signer.sign(ticket_id(), event_id());
  const std::string_view alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  for (std::size_t i = 0; i < code.size(); ++i) {
    std::string altered = code;
    altered[i] = alphabet[(alphabet.find(code[i]) + 1) % alphabet.size()];
    auto out = verifier.verify(altered);
    EXPECT_FALSE(out.ok()) << "position " << i;
  }
  EXPECT_FALSE(verifier.verify(code.substr(0, code.size() - 1)).ok());
  EXPECT_FALSE(verifier.verify(code + "0").ok());
  EXPECT_FALSE(verifier.verify("").ok());
  EXPECT_EQ(verifier.verify("hello").problem, CodeProblem::malformed);
}

TEST(TicketCode, ForgedWithAnotherKeyFails) {
  TicketSigner genuine(1, generate_secret_key());
  TicketSigner forger(1, generate_secret_key());  // same key id, different key
  TicketVerifier verifier;
  verifier.trust(1, genuine.public_key());
  auto out = verifier.verify(*forger.sign(ticket_id(), event_id()));
  EXPECT_FALSE(out.ok());
  EXPECT_EQ(out.problem, CodeProblem::bad_signature);
  // Someone else's ticket id spliced into a genuine code: the signature no longer matches.
  const std::string a = *genuine.sign(ticket_id(), event_id());
  const std::string b = *genuine.sign(ticket_id(), event_id());
  auto da = decode_ticket_code(a), db = decode_ticket_code(b);
  ASSERT_TRUE(da && db);
  std::string payload = da->signed_bytes.substr(0, 2) + db->signed_bytes.substr(2, 10) +
                        da->signed_bytes.substr(12) +
                        std::string(reinterpret_cast<const char*>(da->signature.data()), 64);
  EXPECT_EQ(verifier.verify("AT" + base45_encode(payload)).problem, CodeProblem::bad_signature);
}

TEST(TicketCode, UnknownAndRetiredKeysFail) {
  TicketSigner old_key(1, generate_secret_key());
  TicketSigner new_key(2, generate_secret_key());
  TicketVerifier verifier;
  verifier.trust(1, old_key.public_key());
  verifier.trust(2, new_key.public_key());
  const std::string old_code = *old_key.sign(ticket_id(), event_id());
  EXPECT_TRUE(verifier.verify(old_code).ok());  // rotation: old codes keep verifying
  EXPECT_TRUE(verifier.verify(*new_key.sign(ticket_id(), event_id())).ok());
  verifier.retire(1);
  EXPECT_EQ(verifier.verify(old_code).problem, CodeProblem::unknown_key);
}

TEST(TicketCode, RefusesIdsOfAnotherForm) {
  TicketSigner signer(1, generate_secret_key());
  EXPECT_FALSE(signer.sign("tkt_short", event_id()));
  EXPECT_FALSE(signer.sign(ticket_id(), "usr_0123456789abcdef"));
  EXPECT_FALSE(signer.sign("tkt_0123456789ABCDEF", event_id()));  // upper case is not the alphabet
  EXPECT_FALSE(signer.sign("tkt_0123456789abcdei", event_id()));  // 'i' is not in it either
}

TEST(Base45, MatchesRfc9285Examples) {
  EXPECT_EQ(base45_encode("AB"), "BB8");
  EXPECT_EQ(base45_encode("Hello!!"), "%69 VD92EX0");
  EXPECT_EQ(base45_encode("base-45"), "UJCLQE7W581");
  EXPECT_EQ(base45_decode("QED8WEX0"), std::optional<std::string>("ietf!"));
  EXPECT_FALSE(base45_decode("GGW"));  // 65535 < value: invalid
  EXPECT_FALSE(base45_decode("A"));
  EXPECT_FALSE(base45_decode("aa"));
}

TEST(Keyring, MakesKeyOneOnceThenRotates) {
  const fs::path dir = fs::temp_directory_path() / ("admit-keys-" + new_id("t"));
  auto ring = TicketKeyring::open({dir, "", ""});
  ASSERT_TRUE(ring) << ring.error().detail;
  EXPECT_EQ((*ring)->signer().key_id(), 1);
  struct stat st {};
  ASSERT_EQ(::stat((dir / "ticket-key-1.seed").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const std::string code = *(*ring)->signer().sign(ticket_id(), event_id());
  auto again = TicketKeyring::open({dir, "", ""});  // the same key on the next start
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)->verifier().verify(code).ok());

  auto next = TicketKeyring::rotate(dir);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 2);
  auto rotated = TicketKeyring::open({dir, "", ""});
  ASSERT_TRUE(rotated);
  EXPECT_EQ((*rotated)->signer().key_id(), 2);
  EXPECT_TRUE((*rotated)->verifier().verify(code).ok());  // key 1 still verifies
  fs::rename(dir / "ticket-key-1.seed", dir / "ticket-key-1.retired");
  auto retired = TicketKeyring::open({dir, "", ""});
  ASSERT_TRUE(retired);
  EXPECT_EQ((*retired)->verifier().verify(code).problem, CodeProblem::unknown_key);
  fs::remove_all(dir);
}

TEST(Keyring, ConfiguredKeysAndErrors) {
  const SecretKey sk = generate_secret_key();
  auto ring = TicketKeyring::open({"/nonexistent", "9:" + seed_hex(sk), ""});
  ASSERT_TRUE(ring);
  EXPECT_EQ((*ring)->signer().key_id(), 9);
  EXPECT_EQ((*ring)->signer().public_key(), public_key_of(sk));
  auto bad = TicketKeyring::open({"/nonexistent", "0:" + seed_hex(sk), ""});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().errors.at(0).field, "ticket_signing_key");
  auto bad_trust = TicketKeyring::open({"/nonexistent", "9:" + seed_hex(sk), "3:zz"});
  ASSERT_FALSE(bad_trust);
  EXPECT_EQ(bad_trust.error().errors.at(0).field, "ticket_trusted_keys");
}

TEST(SignedLink, TamperingExpiryAndOtherUsersFail) {
  LinkKey key{};
  key.fill(7);
  LinkSigner links(key);
  const Timestamp now = *parse_rfc3339("2026-11-27T12:00:00Z");
  const std::string link = links.sign("/api/v1/files/tickets/reg_1.pdf", "usr_a", now + 10min);
  const auto q = link.find('?');
  const std::string path = link.substr(0, q);
  const std::string expires = link.substr(link.find("expires=") + 8, link.find('&') - link.find("expires=") - 8);
  const std::string sig = link.substr(link.find("signature=") + 10);
  EXPECT_TRUE(links.verify(path, "usr_a", expires, sig, now));
  EXPECT_TRUE(links.verify(path, "usr_a", expires, sig, now + 9min));
  EXPECT_FALSE(links.verify(path, "usr_a", expires, sig, now + 10min));  // expired
  EXPECT_FALSE(links.verify(path, "usr_b", expires, sig, now));          // someone else
  EXPECT_FALSE(links.verify("/api/v1/files/tickets/reg_2.pdf", "usr_a", expires, sig, now));
  EXPECT_FALSE(links.verify(path, "usr_a", std::to_string(std::stoll(expires) + 3600), sig, now));
  std::string flipped = sig;
  flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(links.verify(path, "usr_a", expires, flipped, now));
  EXPECT_FALSE(links.verify(path, "usr_a", "12x", sig, now));
  LinkKey other{};
  other.fill(8);
  EXPECT_FALSE(LinkSigner(other).verify(path, "usr_a", expires, sig, now));
}

TEST(Money, UsesTheCurrencyExponent) {
  EXPECT_EQ(format_money(1250, "EUR"), "12.50 EUR");
  EXPECT_EQ(format_money(5, "USD"), "0.05 USD");
  EXPECT_EQ(format_money(1200, "JPY"), "1200 JPY");
  EXPECT_EQ(format_money(1250, "KWD"), "1.250 KWD");
  EXPECT_EQ(format_money(7, "KWD"), "0.007 KWD");
  EXPECT_EQ(format_money(-300, "EUR"), "-3.00 EUR");
  EXPECT_EQ(currency_exponent("KRW"), 0);
}

TEST(ZonedTime, ShowsTheEventsZone) {
  const Timestamp t = *parse_rfc3339("2026-11-27T18:30:00Z");
  auto berlin = local_time(t, "Europe/Berlin");
  EXPECT_EQ(berlin.time, "19:30");
  EXPECT_EQ(berlin.zone, "CET");
  EXPECT_EQ(berlin.offset, "+01:00");
  EXPECT_EQ(berlin.date, "Friday, 27 November 2026");
  EXPECT_EQ(local_time(t, "Asia/Tokyo").time, "03:30");
  EXPECT_EQ(local_time(t, "Asia/Kolkata").offset, "+05:30");
  EXPECT_EQ(format_local(*parse_rfc3339("2026-07-01T10:00:00Z"), "America/New_York"),
            "Wednesday, 1 July 2026, 06:00 EDT");
  EXPECT_EQ(local_time(t, "Not/AZone").zone, "UTC");
}

}  // namespace
}  // namespace admit::tickets
