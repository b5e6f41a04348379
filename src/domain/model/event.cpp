#include "domain/model/event.hpp"

namespace admit {

std::string_view to_string(EventStatus s) noexcept {
  switch (s) {
    case EventStatus::draft: return "draft";
    case EventStatus::published: return "published";
    case EventStatus::cancelled: return "cancelled";
  }
  return "draft";
}

std::optional<EventStatus> parse_event_status(std::string_view s) noexcept {
  if (s == "draft") return EventStatus::draft;
  if (s == "published") return EventStatus::published;
  if (s == "cancelled") return EventStatus::cancelled;
  return std::nullopt;
}

const std::vector<Category>& categories() {
  static const std::vector<Category> all = {
      {"music", "Music"},           {"conference", "Conference"}, {"workshop", "Workshop"},
      {"meetup", "Meetup"},         {"sports", "Sports"},         {"arts", "Arts & culture"},
      {"theatre", "Theatre"},       {"food", "Food & drink"},     {"festival", "Festival"},
      {"community", "Community"},   {"education", "Education"},   {"charity", "Charity"},
      {"business", "Business"},     {"other", "Other"},
  };
  return all;
}

bool is_category(std::string_view id) noexcept {
  for (const auto& c : categories())
    if (c.id == id) return true;
  return false;
}

}  // namespace admit
