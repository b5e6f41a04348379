#pragma once
// A SQLite VFS for tests that forgets what was never synced, in the manner of LevelDB's
// fault injection test: it wraps the platform's default VFS (files stay real files) and
// keeps, per file, the image that is on stable storage (its content at the last xSync)
// and the writes and truncations made since. A simulated power cut stops every later
// write and sync; once the test has closed its connections, restore_after_cut() rewrites
// each file as stable storage would have it after the cut:
//
// - Tear::none: everything not synced is lost;
// - Tear::last_write: also, of the last unsynced write of each file, a random whole
//   number of leading 512-byte sectors made it to the disk (a torn page write).
//
// The WAL index (-shm) is thrown away, as the machine's memory is. Deletions count as
// durable at once. Only main databases, their WAL and rollback journals are tracked
// (temporary files pass through). Besides the cut it injects two faults a running process
// can see: a short write (half the bytes land, the call fails) and a failed sync (the call
// fails, nothing becomes durable; the written bytes may still land later).
//
// install() makes it SQLite's default VFS; call it before anything opens a database, so
// the admit-wal-buffer VFS (which wraps the default one) sits on top of it. Thread-safe.
#include <cstdint>
#include <random>

namespace admit::test {

class PowerCutVfs {
 public:
  enum class Tear { none, last_write };
  enum class Scope { any, wal };  // which operations count towards a cut
  struct Counts {
    std::uint64_t ops = 0;        // writes, truncations and syncs of tracked files
    std::uint64_t wal_writes = 0; // writes to WAL files
    std::uint64_t wal_syncs = 0;  // syncs of WAL files
    std::uint64_t wal_headers = 0;  // writes at the start of a WAL file: a new or rewound WAL
    std::uint64_t injected = 0;   // short writes and failed syncs injected
  };

  static void install();

  // Cuts the power at the `n`th operation (write, truncation or sync of a tracked file,
  // or with Scope::wal of a WAL file: the commit path) from now: that operation and every
  // later one fails (a write in progress at the cut still counts as written-but-unsynced,
  // so Tear::last_write may tear it).
  static void arm_cut(std::uint64_t n, Scope scope = Scope::any);
  // The `n`th WAL write from now writes only its first half and fails (a short write).
  static void arm_short_wal_write(std::uint64_t n);
  // The `n`th WAL sync from now fails without making anything durable.
  static void arm_failed_wal_sync(std::uint64_t n);

  static bool power_is_off();
  static Counts counts();

  // After every connection is closed: each tracked file as stable storage has it after
  // the cut (see above), the WAL index removed, and the tracking started afresh with
  // power back on. Without a cut it only starts the tracking afresh.
  static void restore_after_cut(Tear tear, std::mt19937_64& rng);
};

}  // namespace admit::test
