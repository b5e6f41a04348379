#pragma once
// The rules of one registration request, as pure functions (no I/O): the shape of the
// input, the limits an event sets, and the price. The engine's writer calls them inside
// its transaction with the locked event, so what they check is what gets committed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"
#include "domain/model/event.hpp"
#include "domain/model/registration.hpp"

namespace admit {

struct RequestedItem {
  std::string ticket_type_id;
  std::int64_t quantity = 0;
};

struct Attendee {
  std::string name;
  std::string email;
};

// What the HTTP handler (or a test) hands to the RegistrationEngine.
struct RegistrationRequest {
  std::string event_id;
  std::string user_id;
  std::string user_name;   // default attendee name
  std::string user_email;  // default attendee email
  std::string idempotency_key;
  std::vector<RequestedItem> items;
  std::vector<Attendee> attendees;  // empty, or one per ticket in item order
  std::optional<std::string> promo_code;
};

struct RegistrationLimits {
  static constexpr std::size_t kItemsMax = 50;
  static constexpr std::int64_t kQuantityMax = 100;  // per item and per order
  static constexpr std::size_t kKeyMax = 200;
  static constexpr std::size_t kPromoCodeMax = 64;
};

// An Idempotency-Key is 1..200 printable ASCII characters.
bool is_valid_idempotency_key(std::string_view key) noexcept;
// Promo codes: 3..64 of A-Z 0-9 - _ (compared upper-case).
bool is_valid_promo_code(std::string_view code) noexcept;
std::string normalize_promo_code(std::string_view code);

// Checks what can be checked without the event: items present, quantities in range, no
// type twice, attendees (when given) one per ticket with a name and a plausible email.
Status validate_request_shape(const RegistrationRequest& request);

// A fingerprint of the request body: a reused Idempotency-Key with another body is refused.
std::string request_fingerprint(const RegistrationRequest& request);

// A promo code found for the event (nullptr: none by that code) is usable at `now`: past
// its valid_from and before its valid_until. Errors name `promo_code`. Uses are counted
// by the caller (under the event lock when registering).
Status check_promo_window(const PromoCode* promo, Timestamp now);

// The event's limits for this request: published, not cancelled, not ended; each type
// exists (hidden ones only with a promo code that unlocks them), is on sale at `now`, and
// its quantity is within max_per_order; the order within kQuantityMax; the user's tickets
// (`user_live_tickets` already held plus this order) within the event's max_per_user; the
// promo code valid at `now`. Capacity is not checked here: the conditional updates do it.
Status check_request(const Event& event, const RegistrationRequest& request,
                     const PromoCode* promo, std::int64_t user_live_tickets, Timestamp now);

// Prices the request: items with unit price and amount after the promo discount (percent
// rounded half up per item; fixed taken from the in-scope items in order), and the total.
struct Priced {
  std::vector<RegistrationItem> items;
  std::int64_t total = 0;
};
Priced price_request(const Event& event, const RegistrationRequest& request, const PromoCode* promo);

// Whether a ticket type can be bought at `now`: not on sale yet (before sales_start), sales
// ended (at or after sales_end), sold out (no seat left and none held for this buyer by a
// waiting-list offer: `held`), else on sale. check_request refuses the first two.
enum class SaleState { on_sale, not_yet, ended, sold_out };
std::string_view to_string(SaleState s) noexcept;
SaleState ticket_sale_state(const TicketType& t, Timestamp now, std::int64_t held = 0) noexcept;

// Whether an event takes registrations at `now`: a draft or a cancelled event does not; a
// published one until it ends (ended), and is sold out when no seat of it or of any of its
// ticket types is left.
// No seat of the event, or of any of its ticket types, is left.
bool is_sold_out(const Event& e) noexcept;
enum class EventSaleState { draft, cancelled, ended, sold_out, on_sale };
std::string_view to_string(EventSaleState s) noexcept;
EventSaleState event_sale_state(const Event& e, Timestamp now) noexcept;

// How many of a type one order may take: the seats left (or held for this buyer), the
// type's max_per_order, the event's max_per_user and kQuantityMax.
std::int64_t max_order_quantity(const Event& e, const TicketType& t, std::int64_t held = 0) noexcept;

// The ticket type of an event, or nullptr.
const TicketType* find_type(const Event& event, std::string_view id) noexcept;

}  // namespace admit
