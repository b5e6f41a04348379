#pragma once
// CheckinStore: the door's writes and reads (storage/sql/sql_checkin_store.cpp; the store
// conformance suite runs it on every backend).
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/model/checkin.hpp"

namespace admit {

class CheckinStore {
 public:
  virtual ~CheckinStore() = default;
  // Records the scans in ONE transaction, in order, and answers each (same order). Every
  // scan is logged. A scan with `preset` is only logged. Otherwise:
  // - online: one conditional update admits the ticket (status valid, of this event, its
  //   registration confirmed); when it changes no row the ticket's state says why. Of any
  //   number of concurrent scans of one ticket, on any number of nodes, exactly one is ok.
  // - offline (synced later with the device's time): admitted as above, or it takes the
  //   place of a later admitting scan (the earliest wins; the one it replaces stays in
  //   the log and its device's next sync answers already_checked_in). A scan already
  //   recorded (same ticket, device and time) changes nothing and answers its final result.
  virtual std::vector<ScanOutcome> record(const std::vector<Scan>& scans, Timestamp now) = 0;
  // Undoes an admitted ticket of the event (logged as `undone`); not_found when the ticket
  // is not of the event, conflict when it is not checked in.
  virtual Result<ScanOutcome> undo(const std::string& event_id, const std::string& ticket_id,
                                   const std::string& actor_id, const std::string& gate,
                                   Timestamp now) = 0;
  // The event's tickets for offline scanning (keys are filled by the service); with
  // `since`, only tickets changed after it (a few seconds' overlap).
  virtual CheckinBundle bundle(const std::string& event_id, std::optional<std::int64_t> since) = 0;
  // The scan log, newest first; cursor from the previous page.
  virtual Result<CheckinLogPage> log(const std::string& event_id, int limit,
                                     const std::optional<std::string>& cursor) = 0;
  // Admitting check-ins per hour (UTC), oldest first.
  virtual std::vector<CheckinCount> per_hour(const std::string& event_id) = 0;
};

}  // namespace admit
