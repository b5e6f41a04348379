// The pure rules of a registration request: input shape, idempotency keys, promo codes,
// event limits and pricing; and the CSV cell guard of the organizer export.
#include <gtest/gtest.h>

#include "domain/services/registration_rules.hpp"
#include "http/handlers/registrations.hpp"

namespace admit {
namespace {

using namespace std::chrono_literals;

const Timestamp kNow = *parse_rfc3339("2026-06-01T12:00:00Z");

Event event_with(std::vector<TicketType> types) {
  Event e;
  e.id = "evt_1";
  e.status = EventStatus::published;
  e.starts_at = kNow + 24h;
  e.ends_at = kNow + 27h;
  e.capacity = 100;
  e.currency = "EUR";
  for (auto& t : types) t.event_id = e.id;
  e.ticket_types = std::move(types);
  return e;
}

TicketType tt(std::string id, std::int64_t price = 0) {
  TicketType t;
  t.id = std::move(id);
  t.name = t.id;
  t.price = price;
  t.capacity = 50;
  return t;
}

RegistrationRequest req(std::vector<RequestedItem> items) {
  RegistrationRequest r;
  r.event_id = "evt_1";
  r.user_id = "usr_1";
  r.idempotency_key = "k";
  r.items = std::move(items);
  return r;
}

TEST(RegistrationRules, IdempotencyKeysArePrintableAsciiUpTo200) {
  EXPECT_TRUE(is_valid_idempotency_key("a"));
  EXPECT_TRUE(is_valid_idempotency_key(std::string(200, 'x')));
  EXPECT_FALSE(is_valid_idempotency_key(""));
  EXPECT_FALSE(is_valid_idempotency_key(std::string(201, 'x')));
  EXPECT_FALSE(is_valid_idempotency_key("tab\there"));
  EXPECT_FALSE(is_valid_idempotency_key("caf\xc3\xa9"));
}

TEST(RegistrationRules, ShapeNamesEveryWrongField) {
  auto r = req({{"tt_a", 0}, {"tt_a", 1}, {"", 101}});
  r.promo_code = "!";
  auto s = validate_request_shape(r);
  ASSERT_FALSE(s.ok());
  std::vector<std::string> fields;
  for (const auto& e : s.error().errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"items[0].quantity", "items[1].ticket_type_id",
                                              "items[2].ticket_type_id", "items[2].quantity", "promo_code"}));
  auto a = req({{"tt_a", 2}});
  a.attendees = {{"Ada", "ada@example.com"}};
  EXPECT_EQ(validate_request_shape(a).error().errors.at(0).field, "attendees");
  a.attendees.push_back({"", "nope"});
  auto both = validate_request_shape(a);
  EXPECT_EQ(both.error().errors.size(), 2u);
  EXPECT_TRUE(validate_request_shape(req({{"tt_a", 100}})).ok());
  EXPECT_FALSE(validate_request_shape(req({})).ok());
}

TEST(RegistrationRules, FingerprintIgnoresItemOrderButNotQuantities) {
  EXPECT_EQ(request_fingerprint(req({{"a", 1}, {"b", 2}})), request_fingerprint(req({{"b", 2}, {"a", 1}})));
  EXPECT_NE(request_fingerprint(req({{"a", 1}})), request_fingerprint(req({{"a", 2}})));
  auto p = req({{"a", 1}});
  p.promo_code = "early";
  auto q = req({{"a", 1}});
  q.promo_code = "EARLY";
  EXPECT_EQ(request_fingerprint(p), request_fingerprint(q));
}

TEST(RegistrationRules, EventLimits) {
  TicketType limited = tt("tt_a");
  limited.max_per_order = 2;
  limited.sales_start = kNow - 1h;
  limited.sales_end = kNow + 1h;
  TicketType hidden = tt("tt_h");
  hidden.hidden = true;
  Event e = event_with({limited, hidden});
  EXPECT_TRUE(check_request(e, req({{"tt_a", 2}}), nullptr, 0, kNow).ok());
  EXPECT_EQ(check_request(e, req({{"tt_a", 3}}), nullptr, 0, kNow).error().errors.at(0).field, "items[0].quantity");
  EXPECT_EQ(check_request(e, req({{"tt_a", 1}}), nullptr, 0, kNow + 2h).error().code, ErrorCode::conflict);
  EXPECT_EQ(check_request(e, req({{"tt_a", 1}}), nullptr, 0, kNow - 2h).error().code, ErrorCode::conflict);
  EXPECT_EQ(check_request(e, req({{"tt_h", 1}}), nullptr, 0, kNow).error().errors.at(0).field,
            "items[0].ticket_type_id");
  PromoCode unlock;
  unlock.unlocks_hidden = true;
  auto with_code = req({{"tt_h", 1}});
  with_code.promo_code = "CREW";
  EXPECT_TRUE(check_request(e, with_code, &unlock, 0, kNow).ok());
  e.max_per_user = 3;
  EXPECT_TRUE(check_request(e, req({{"tt_a", 2}}), nullptr, 1, kNow).ok());
  EXPECT_EQ(check_request(e, req({{"tt_a", 2}}), nullptr, 2, kNow).error().errors.at(0).field, "items");
  e.status = EventStatus::cancelled;
  EXPECT_EQ(check_request(e, req({{"tt_a", 1}}), nullptr, 0, kNow).error().code, ErrorCode::conflict);
  e.status = EventStatus::draft;
  EXPECT_EQ(check_request(e, req({{"tt_a", 1}}), nullptr, 0, kNow).error().code, ErrorCode::not_found);
}

TEST(RegistrationRules, PricesWithPercentAndFixedDiscounts) {
  Event e = event_with({tt("tt_a", 1999), tt("tt_b", 500)});
  auto r = req({{"tt_a", 1}, {"tt_b", 3}});
  auto plain = price_request(e, r, nullptr);
  EXPECT_EQ(plain.total, 1999 + 1500);
  PromoCode pct;
  pct.kind = DiscountKind::percent;
  pct.amount = 10;
  pct.ticket_type_id = "tt_a";
  auto p = price_request(e, r, &pct);
  EXPECT_EQ(p.items[0].amount, 1999 - 200);  // 199.9 rounds half up to 200
  EXPECT_EQ(p.items[1].amount, 1500);
  PromoCode fixed;
  fixed.kind = DiscountKind::fixed;
  fixed.amount = 2500;
  auto f = price_request(e, r, &fixed);
  EXPECT_EQ(f.items[0].amount, 0);
  EXPECT_EQ(f.items[1].amount, 999);  // 2500 off: 1999 from A, 501 from B
  EXPECT_EQ(f.total, 999);
}

TEST(RegistrationRules, SaleStatesOfTypesAndEvents) {
  TicketType t = tt("tt_a");
  t.sales_start = kNow - 1h;
  t.sales_end = kNow + 1h;
  EXPECT_EQ(ticket_sale_state(t, kNow), SaleState::on_sale);
  EXPECT_EQ(ticket_sale_state(t, kNow - 2h), SaleState::not_yet);
  EXPECT_EQ(ticket_sale_state(t, kNow + 1h), SaleState::ended);  // sales_end is exclusive
  t.sold = t.capacity;
  EXPECT_EQ(ticket_sale_state(t, kNow), SaleState::sold_out);
  EXPECT_EQ(ticket_sale_state(t, kNow, /*held=*/2), SaleState::on_sale);  // an offer holds seats
  EXPECT_EQ(to_string(SaleState::not_yet), "not_yet");

  Event e = event_with({tt("tt_a"), tt("tt_b")});
  EXPECT_EQ(event_sale_state(e, kNow), EventSaleState::on_sale);
  e.ticket_types[0].sold = 50;
  EXPECT_EQ(event_sale_state(e, kNow), EventSaleState::on_sale);
  e.ticket_types[1].sold = 50;  // every type gone
  EXPECT_EQ(event_sale_state(e, kNow), EventSaleState::sold_out);
  e.ticket_types[1].sold = 0;
  e.sold = e.capacity;  // the event's own capacity gone
  EXPECT_TRUE(is_sold_out(e));
  EXPECT_EQ(event_sale_state(e, kNow + 27h), EventSaleState::ended);
  e.status = EventStatus::cancelled;
  EXPECT_EQ(event_sale_state(e, kNow), EventSaleState::cancelled);
  e.status = EventStatus::draft;
  EXPECT_EQ(to_string(event_sale_state(e, kNow)), "draft");
}

TEST(RegistrationRules, MaxOrderQuantityIsTheTightestLimit) {
  Event e = event_with({tt("tt_a")});
  TicketType& t = e.ticket_types[0];
  EXPECT_EQ(max_order_quantity(e, t), 50);  // seats left of the type
  t.max_per_order = 4;
  EXPECT_EQ(max_order_quantity(e, t), 4);
  e.max_per_user = 3;
  EXPECT_EQ(max_order_quantity(e, t), 3);
  t.sold = 49;
  EXPECT_EQ(max_order_quantity(e, t), 1);
  t.sold = 50;
  EXPECT_EQ(max_order_quantity(e, t), 0);
  EXPECT_EQ(max_order_quantity(e, t, /*held=*/2), 2);
  e.max_per_user.reset();
  t.max_per_order.reset();
  t.capacity = t.sold + 500;
  e.capacity = e.sold + 500;
  EXPECT_EQ(max_order_quantity(e, t), RegistrationLimits::kQuantityMax);
}

TEST(RegistrationCsv, NeutralisesFormulaCellsAndDoublesQuotes) {
  EXPECT_EQ(http::csv_cell("Ada"), "\"Ada\"");
  EXPECT_EQ(http::csv_cell("=1+1"), "\"'=1+1\"");
  EXPECT_EQ(http::csv_cell("+49 30"), "\"'+49 30\"");
  EXPECT_EQ(http::csv_cell("-2"), "\"'-2\"");
  EXPECT_EQ(http::csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(http::csv_cell("\tx"), "\"'\tx\"");
  EXPECT_EQ(http::csv_cell("\rx"), "\"'\rx\"");
  EXPECT_EQ(http::csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(http::csv_cell(""), "\"\"");
}

}  // namespace
}  // namespace admit
