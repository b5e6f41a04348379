#include "app/demo.hpp"

#include "auth/password.hpp"
#include "common/random.hpp"

namespace admit::app {
namespace {

struct DemoType {
  const char* name;
  std::int64_t price;
  std::int64_t capacity;
};
struct DemoEvent {
  const char* title;
  const char* description;
  const char* category;
  const char* venue;
  const char* timezone;
  const char* currency;
  int days_from_now;
  int start_hour;  // local-ish hour, stored as UTC for simplicity of the sample
  int hours;
  std::int64_t capacity;
  std::vector<DemoType> types;
};

std::vector<DemoEvent> demo_samples() {
  return {
      {"Harbour Lights Jazz Night",
       "An evening of modern jazz by the water with the Elsa Brandt Quartet and guests. Doors open "
       "an hour before the first set; food and drinks available at the venue.",
       "music", "Hafenbühne, Hamburg", "Europe/Berlin", "EUR", 9, 19, 4, 300,
       {{"Standing", 2500, 250}, {"Balcony seat", 4500, 50}}},
      {"Rust & C++ Systems Summit",
       "Two days of talks on memory safety, performance engineering and large native codebases. "
       "Includes lunch, coffee and the evening social.",
       "conference", "Kulturbrauerei, Berlin", "Europe/Berlin", "EUR", 21, 8, 34, 600,
       {{"Early bird", 19900, 150}, {"Regular", 29900, 400}, {"Student", 4900, 50}}},
      {"Sourdough Basics Workshop",
       "Learn to keep a starter, shape a loaf and bake it at home. All ingredients provided; bring "
       "an apron and take your bread home.",
       "workshop", "The Bread Room, 12 Mill Lane, Bristol", "Europe/London", "GBP", 5, 10, 3, 16,
       {{"Participant", 6500, 16}}},
      {"Open Source Meetup: Friday Hacks",
       "Monthly meetup for people who maintain or want to contribute to open source. Lightning "
       "talks, then pairing on good-first-issues. Free pizza.",
       "meetup", "Community Hall, 5 Market St, San Francisco", "America/Los_Angeles", "USD", 3, 1,
       3, 80, {{"Free entry", 0, 80}}},
      {"City Half Marathon 2027",
       "21.1 km through the old town and along the river. Timing chip, finisher medal and "
       "refreshments included. Start waves by expected finish time.",
       "sports", "Rathausplatz, Vienna", "Europe/Vienna", "EUR", 60, 7, 6, 2000,
       {{"Runner", 4500, 1900}, {"Team relay (per runner)", 2000, 100}}},
      {"Contemporary Prints: Opening Night",
       "Private view of the winter exhibition of contemporary printmaking, with a short talk by the "
       "curators at 19:30.",
       "arts", "Galerie Nord, Copenhagen", "Europe/Copenhagen", "DKK", 12, 17, 3, 150,
       {{"Free admission", 0, 150}}},
      {"Street Food Festival",
       "Forty vendors, two stages and a craft beer garden over one weekend. Entry ticket includes "
       "one drink token.",
       "food", "Spitalfields, London", "Europe/London", "GBP", 30, 11, 10, 5000,
       {{"Day ticket", 800, 4000}, {"VIP (fast lane + lounge)", 3500, 200}}},
      {"Intro to Data Visualisation",
       "A hands-on evening course: choosing charts, colour and accessibility, and building "
       "interactive charts in the browser. Laptops required.",
       "education", "Learning Lab, 40 King St W, Toronto", "America/Toronto", "CAD", 14, 23, 3, 30,
       {{"Seat", 3000, 30}}},
  };

}

// A published event from a sample, starting s.days_from_now days from today.
Event demo_event(const DemoEvent& s, const std::string& organizer_id, Timestamp now) {
  Event e;
  e.id = new_id("evt");
  e.organizer_id = organizer_id;
  e.title = s.title;
  e.description = s.description;
  e.category = s.category;
  e.venue = s.venue;
  e.timezone = s.timezone;
  e.currency = s.currency;
  auto day = std::chrono::floor<std::chrono::days>(now) + std::chrono::days(s.days_from_now);
  e.starts_at = Timestamp{day + std::chrono::hours(s.start_hour)};
  e.ends_at = e.starts_at + std::chrono::hours(s.hours);
  e.capacity = s.capacity;
  // A per-person cap, as every new event gets one: a small workshop 2, a club night 6,
  // large events 10. Nobody can hold a whole event with one account.
  e.max_per_user = s.capacity <= 50 ? 2 : s.capacity <= 300 ? 6 : 10;
  e.status = EventStatus::published;
  e.created_at = e.updated_at = now;
  e.published_at = now;
  int position = 0;
  for (const auto& t : s.types) {
    TicketType tt;
    tt.id = new_id("tt");
    tt.event_id = e.id;
    tt.name = t.name;
    tt.price = t.price;
    tt.capacity = t.capacity;
    tt.max_per_order = 10;
    tt.position = position++;
    e.ticket_types.push_back(std::move(tt));
  }
  return e;
}

}  // namespace

DemoResult load_demo(UserStore& users, EventStore& events, const Clock& clock) {
  const std::string email = "demo-organizer@admit.localhost";
  if (users.find_user_by_email(email)) return {};
  auto now = clock.now();
  User organizer;
  organizer.id = new_id("usr");
  organizer.email = email;
  organizer.name = "Admit Demo Events";
  // Nobody knows this password: the demo organizer is managed with `admit token create`.
  organizer.password_hash = auth::hash_password(new_secret_token());
  organizer.roles = {"organizer"};
  organizer.email_verified_at = now;
  organizer.created_at = organizer.updated_at = now;
  if (!users.create_user(organizer)) return {};

  DemoResult result{true, 0};
  for (const auto& s : demo_samples()) {
    Event e = demo_event(s, organizer.id, now);
    if (events.create_event(e)) ++result.events;
  }
  return result;
}

}  // namespace admit::app
