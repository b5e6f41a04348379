#pragma once
// Check-in at the door (issue 12): the answer to a scan, the scan log, the offline bundle.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.hpp"

namespace admit {

// What a scan answers (API.md). `undone` appears only in the scan log.
enum class CheckinResult { ok, already_checked_in, invalid, wrong_event, cancelled, not_paid, undone };
std::string_view to_string(CheckinResult r) noexcept;

// The ticket as the person at the door sees it: enough to look at the face.
struct CheckinTicket {
  std::string id;
  std::string attendee_name;
  std::string ticket_type_id;
  std::string ticket_type;  // its name
  std::string status;       // valid | checked_in | cancelled | not_paid
};

struct ScanOutcome {
  CheckinResult result = CheckinResult::invalid;
  std::optional<CheckinTicket> ticket;       // absent for invalid and wrong_event
  std::optional<Timestamp> checked_in_at;    // the admitting scan's time (ok, already_checked_in)
  std::string gate;                          // the admitting scan's gate
  std::string device;                        // the admitting scan's device
};

// One scan for the store. `ticket_id` is empty when the code did not verify (or named
// another event): such a scan is only logged, with `preset` as its result.
struct Scan {
  std::string event_id;
  std::string ticket_id;
  std::optional<CheckinResult> preset;
  std::string gate;
  std::string device;
  Timestamp scanned_at;  // the device's time (offline) or the server's
  bool offline = false;
  std::string actor_id;
};

struct CheckinLogEntry {
  std::string id;
  std::optional<std::string> ticket_id;
  std::optional<std::string> attendee_name;
  CheckinResult result = CheckinResult::invalid;
  std::string gate;
  std::string device;
  Timestamp scanned_at;
  Timestamp recorded_at;
  bool offline = false;
};

struct CheckinLogPage {
  std::vector<CheckinLogEntry> items;
  std::optional<std::string> next_cursor;
};

struct BundleTicket {
  std::string id;
  std::string status;  // valid | checked_in | cancelled | not_paid
  std::string attendee_name;
  std::string ticket_type;
  std::optional<Timestamp> checked_in_at;
};

struct BundleKey {
  int id = 0;
  std::string public_key;  // Ed25519, hex
};

struct CheckinBundle {
  std::int64_t version = 0;
  bool partial = false;  // answers ?since=: only what changed
  std::vector<BundleKey> keys;
  std::vector<BundleTicket> tickets;
  std::vector<std::string> revoked;  // tickets that must not be admitted (cancelled)
  std::int64_t sold = 0;             // live tickets of the event
  std::int64_t checked_in = 0;
  bool can_undo = false;             // whether the caller may undo a check-in (set by the service)
};

struct CheckinCount {
  std::string hour;  // RFC 3339, the start of the hour (UTC)
  std::int64_t count = 0;
};

}  // namespace admit
