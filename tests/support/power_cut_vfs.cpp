#include "support/power_cut_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace admit::test {
namespace {

constexpr std::size_t kSector = 512;

// One change to a file since its last sync: a write, or a truncation to `size`.
struct Change {
  bool truncate = false;
  sqlite3_int64 offset = 0;  // write: where; truncate: the new size
  std::string bytes;
};

// What stable storage holds of one file, and what is waiting to get there.
struct Image {
  bool wal = false;
  bool deleted = false;
  std::string durable;
  std::vector<Change> pending;
};

void apply_change(std::string& content, const Change& c) {
  const auto at = static_cast<std::size_t>(c.offset);
  if (c.truncate) {
    content.resize(at);
    return;
  }
  if (content.size() < at + c.bytes.size()) content.resize(at + c.bytes.size(), '\0');
  std::memcpy(content.data() + at, c.bytes.data(), c.bytes.size());
}

struct State {
  std::mutex mu;
  std::map<std::string, Image> images;  // by path; nodes stay put while files are open
  bool power_off = false;
  PowerCutVfs::Counts counts;
  std::optional<std::uint64_t> cut_in;          // operations left until the cut
  bool cut_wal_only = false;                    // count only operations on WAL files
  std::optional<std::uint64_t> short_write_at;  // counts.wal_writes value
  std::optional<std::uint64_t> failed_sync_at;  // counts.wal_syncs value
};

State& state() {
  static State s;
  return s;
}

struct File {
  sqlite3_file base;
  sqlite3_file* real;
  Image* image;  // nullptr: not tracked
};

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs{};
sqlite3_io_methods g_methods{};

File* file_of(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
const sqlite3_io_methods& real_methods(File* f) { return *f->real->pMethods; }

// Counts one operation; true when it is the one the power goes off at.
bool reaches_cut(State& s, bool wal) {
  ++s.counts.ops;
  if (!s.cut_in || (s.cut_wal_only && !wal)) return false;
  if (--*s.cut_in > 0) return false;
  s.power_off = true;
  s.cut_in.reset();
  return true;
}

int x_close(sqlite3_file* file) {
  File* f = file_of(file);
  return real_methods(f).xClose(f->real);
}

int x_read(sqlite3_file* file, void* buf, int amount, sqlite3_int64 offset) {
  File* f = file_of(file);
  return real_methods(f).xRead(f->real, buf, amount, offset);
}

int x_write(sqlite3_file* file, const void* buf, int amount, sqlite3_int64 offset) {
  File* f = file_of(file);
  if (!f->image) return real_methods(f).xWrite(f->real, buf, amount, offset);
  State& s = state();
  std::lock_guard lock(s.mu);
  if (s.power_off) return SQLITE_IOERR_WRITE;
  const char* bytes = static_cast<const char*>(buf);
  Change change{false, offset, std::string(bytes, static_cast<std::size_t>(amount))};
  if (reaches_cut(s, f->image->wal)) {
    f->image->pending.push_back(std::move(change));  // in flight when the power went
    return SQLITE_IOERR_WRITE;
  }
  if (f->image->wal) {
    ++s.counts.wal_writes;
    if (offset == 0) ++s.counts.wal_headers;
    if (s.short_write_at && s.counts.wal_writes >= *s.short_write_at) {
      s.short_write_at.reset();
      ++s.counts.injected;
      const int half = amount / 2;
      if (half > 0 && real_methods(f).xWrite(f->real, buf, half, offset) == SQLITE_OK) {
        change.bytes.resize(static_cast<std::size_t>(half));
        f->image->pending.push_back(std::move(change));
      }
      return SQLITE_IOERR_WRITE;
    }
  }
  const int rc = real_methods(f).xWrite(f->real, buf, amount, offset);
  if (rc == SQLITE_OK) f->image->pending.push_back(std::move(change));
  return rc;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  File* f = file_of(file);
  if (!f->image) return real_methods(f).xTruncate(f->real, size);
  State& s = state();
  std::lock_guard lock(s.mu);
  if (s.power_off || reaches_cut(s, f->image->wal)) return SQLITE_IOERR_TRUNCATE;
  const int rc = real_methods(f).xTruncate(f->real, size);
  if (rc == SQLITE_OK) f->image->pending.push_back(Change{true, size, {}});
  return rc;
}

int x_sync(sqlite3_file* file, int flags) {
  File* f = file_of(file);
  if (!f->image) return real_methods(f).xSync(f->real, flags);
  State& s = state();
  std::lock_guard lock(s.mu);
  if (s.power_off || reaches_cut(s, f->image->wal)) return SQLITE_IOERR_FSYNC;
  if (f->image->wal) {
    ++s.counts.wal_syncs;
    if (s.failed_sync_at && s.counts.wal_syncs >= *s.failed_sync_at) {
      s.failed_sync_at.reset();
      ++s.counts.injected;
      return SQLITE_IOERR_FSYNC;
    }
  }
  const int rc = real_methods(f).xSync(f->real, flags);
  if (rc != SQLITE_OK) return rc;
  for (const Change& c : f->image->pending) apply_change(f->image->durable, c);
  f->image->pending.clear();
  return SQLITE_OK;
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  File* f = file_of(file);
  return real_methods(f).xFileSize(f->real, size);
}
int x_lock(sqlite3_file* file, int level) {
  File* f = file_of(file);
  return real_methods(f).xLock(f->real, level);
}
int x_unlock(sqlite3_file* file, int level) {
  File* f = file_of(file);
  return real_methods(f).xUnlock(f->real, level);
}
int x_check_reserved_lock(sqlite3_file* file, int* out) {
  File* f = file_of(file);
  return real_methods(f).xCheckReservedLock(f->real, out);
}
int x_file_control(sqlite3_file* file, int op, void* arg) {
  File* f = file_of(file);
  return real_methods(f).xFileControl(f->real, op, arg);
}
int x_sector_size(sqlite3_file* file) {
  File* f = file_of(file);
  return real_methods(f).xSectorSize(f->real);
}
int x_device_characteristics(sqlite3_file* file) {
  File* f = file_of(file);
  return real_methods(f).xDeviceCharacteristics(f->real);
}
int x_shm_map(sqlite3_file* file, int page, int page_size, int extend, void volatile** out) {
  File* f = file_of(file);
  return real_methods(f).xShmMap(f->real, page, page_size, extend, out);
}
int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  File* f = file_of(file);
  return real_methods(f).xShmLock(f->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* file) {
  File* f = file_of(file);
  real_methods(f).xShmBarrier(f->real);
}
int x_shm_unmap(sqlite3_file* file, int delete_flag) {
  File* f = file_of(file);
  return real_methods(f).xShmUnmap(f->real, delete_flag);
}
int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  File* f = file_of(file);
  return real_methods(f).xFetch(f->real, offset, amount, out);
}
int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  File* f = file_of(file);
  return real_methods(f).xUnfetch(f->real, offset, page);
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  File* f = file_of(file);
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->image = nullptr;
  const bool tracked =
      name != nullptr && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
  State& s = state();
  std::unique_lock lock(s.mu, std::defer_lock);
  if (tracked) {
    lock.lock();
    if (s.power_off) return SQLITE_CANTOPEN;
  }
  const int rc = g_real->xOpen(g_real, name, f->real, flags, out_flags);
  if (f->real->pMethods) f->base.pMethods = &g_methods;
  if (rc != SQLITE_OK || !tracked) return rc;
  auto [it, added] = s.images.try_emplace(name);
  Image& image = it->second;
  if (added || image.deleted) {
    // First sight of the file since the tracking started: all of it is on the disk.
    image = Image{};
    image.wal = (flags & SQLITE_OPEN_WAL) != 0;
    image.durable = read_whole(name);
  }
  f->image = &image;
  return rc;
}

int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  State& s = state();
  std::lock_guard lock(s.mu);
  auto it = s.images.find(name);
  if (it != s.images.end() && s.power_off) return SQLITE_IOERR_DELETE;
  const int rc = g_real->xDelete(g_real, name, sync_dir);
  if (rc == SQLITE_OK && it != s.images.end()) {
    it->second.deleted = true;
    it->second.durable.clear();
    it->second.pending.clear();
  }
  return rc;
}

void write_whole(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("power cut VFS: cannot rewrite " + path);
}

}  // namespace

void PowerCutVfs::install() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sqlite3_initialize() != SQLITE_OK) throw std::runtime_error("SQLite failed to initialise");
    g_real = sqlite3_vfs_find(nullptr);
    if (!g_real) throw std::runtime_error("SQLite has no default VFS");
    g_methods = sqlite3_io_methods{
        3,           x_close,          x_read,       x_write,        x_truncate,
        x_sync,      x_file_size,      x_lock,       x_unlock,       x_check_reserved_lock,
        x_file_control, x_sector_size, x_device_characteristics, x_shm_map, x_shm_lock,
        x_shm_barrier, x_shm_unmap,    x_fetch,      x_unfetch};
    g_vfs = *g_real;
    g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
    g_vfs.pNext = nullptr;
    g_vfs.zName = "admit-power-cut";
    g_vfs.xOpen = x_open;
    g_vfs.xDelete = x_delete;
    if (sqlite3_vfs_register(&g_vfs, /*makeDflt=*/1) != SQLITE_OK)
      throw std::runtime_error("cannot register the power cut VFS");
  });
}

void PowerCutVfs::arm_cut(std::uint64_t n, Scope scope) {
  State& s = state();
  std::lock_guard lock(s.mu);
  s.cut_in = std::max<std::uint64_t>(n, 1);
  s.cut_wal_only = scope == Scope::wal;
}

void PowerCutVfs::arm_short_wal_write(std::uint64_t n) {
  State& s = state();
  std::lock_guard lock(s.mu);
  s.short_write_at = s.counts.wal_writes + std::max<std::uint64_t>(n, 1);
}

void PowerCutVfs::arm_failed_wal_sync(std::uint64_t n) {
  State& s = state();
  std::lock_guard lock(s.mu);
  s.failed_sync_at = s.counts.wal_syncs + std::max<std::uint64_t>(n, 1);
}

bool PowerCutVfs::power_is_off() {
  State& s = state();
  std::lock_guard lock(s.mu);
  return s.power_off;
}

PowerCutVfs::Counts PowerCutVfs::counts() {
  State& s = state();
  std::lock_guard lock(s.mu);
  return s.counts;
}

void PowerCutVfs::restore_after_cut(Tear tear, std::mt19937_64& rng) {
  State& s = state();
  std::lock_guard lock(s.mu);
  if (s.power_off) {
    for (auto& [path, image] : s.images) {
      if (image.deleted) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        continue;
      }
      std::string content = image.durable;
      if (tear == Tear::last_write) {
        auto last = std::find_if(image.pending.rbegin(), image.pending.rend(),
                                 [](const Change& c) { return !c.truncate; });
        if (last != image.pending.rend()) {
          const std::size_t sectors = (last->bytes.size() + kSector - 1) / kSector;
          const std::size_t landed = std::uniform_int_distribution<std::size_t>(0, sectors)(rng);
          Change torn = *last;
          torn.bytes.resize(std::min(torn.bytes.size(), landed * kSector));
          if (!torn.bytes.empty()) apply_change(content, torn);
        }
      }
      write_whole(path, content);
      if (!image.wal) {
        std::error_code ec;
        std::filesystem::remove(path + "-shm", ec);
      }
    }
  }
  s.images.clear();
  s.power_off = false;
  s.cut_in.reset();
  s.short_write_at.reset();
  s.failed_sync_at.reset();
}

}  // namespace admit::test
