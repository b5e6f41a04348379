#include "storage/sqlite/wal_write_buffer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace admit::sql {
namespace {

constexpr sqlite3_int64 kMaxBuffered = sqlite3_int64{8} << 20;
constexpr int kFrameHeaderBytes = 24;  // WAL frame header; the WAL file header is 32 bytes

// Our file object: SQLite allocates sizeof(File) + the default VFS's szOsFile for it, and
// the default VFS's own file object lives right behind ours.
struct File {
  sqlite3_file base;   // must come first: SQLite reads pMethods from here
  sqlite3_file* real;  // the default VFS's file object
  bool wal;            // only WAL files are buffered
  bool direct_next;    // the next write is a commit frame's page: straight to the file
  char* data;          // buffered bytes, for file offsets [start, start + size)
  sqlite3_int64 start;
  sqlite3_int64 size;
  sqlite3_int64 capacity;
};

sqlite3_vfs* g_default = nullptr;
sqlite3_vfs g_vfs{};
sqlite3_io_methods g_methods{};

File* file_of(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
const sqlite3_io_methods& real_methods(File* f) { return *f->real->pMethods; }

std::uint32_t read_be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Writes what is buffered; the buffer is empty afterwards whatever the outcome. In pieces
// of at most 124 KiB: the unix VFS writes at most 128 KiB - 1 bytes per system call (it
// masks the length) and reports a disk-full error for a remainder that is an exact multiple
// of 128 KiB.
int flush(File* f) {
  constexpr sqlite3_int64 kPiece = 124 << 10;
  sqlite3_int64 done = 0;
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK && done < f->size) {
    const sqlite3_int64 n = std::min(kPiece, f->size - done);
    rc = real_methods(f).xWrite(f->real, f->data + done, static_cast<int>(n), f->start + done);
    done += n;
  }
  f->size = 0;
  return rc;
}

bool reserve(File* f, sqlite3_int64 bytes) {
  if (bytes <= f->capacity) return true;
  sqlite3_int64 capacity = f->capacity == 0 ? sqlite3_int64{256} << 10 : f->capacity;
  while (capacity < bytes) capacity *= 2;
  void* grown = std::realloc(f->data, static_cast<std::size_t>(capacity));
  if (!grown) return false;
  f->data = static_cast<char*>(grown);
  f->capacity = capacity;
  return true;
}

int x_close(sqlite3_file* file) {
  File* f = file_of(file);
  const int flushed = flush(f);
  std::free(f->data);
  f->data = nullptr;
  f->capacity = 0;
  const int closed = real_methods(f).xClose(f->real);
  return flushed != SQLITE_OK ? flushed : closed;
}

int x_read(sqlite3_file* file, void* buf, int amount, sqlite3_int64 offset) {
  File* f = file_of(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xRead(f->real, buf, amount, offset);
}

int x_write(sqlite3_file* file, const void* buf, int amount, sqlite3_int64 offset) {
  File* f = file_of(file);
  if (!f->wal) return real_methods(f).xWrite(f->real, buf, amount, offset);
  // Frame header bytes 4..7: the database size after commit, non-zero only in a commit frame.
  const bool commit_header =
      amount == kFrameHeaderBytes && read_be32(static_cast<const unsigned char*>(buf) + 4) != 0;
  if (commit_header || f->direct_next) {
    f->direct_next = commit_header;  // its page comes next
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return real_methods(f).xWrite(f->real, buf, amount, offset);
  }
  const bool continues = f->size > 0 && offset == f->start + f->size;
  if (!continues || f->size + amount > kMaxBuffered) {
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    if (amount >= kMaxBuffered) return real_methods(f).xWrite(f->real, buf, amount, offset);
    f->start = offset;
  }
  if (!reserve(f, f->size + amount)) {
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
    return real_methods(f).xWrite(f->real, buf, amount, offset);
  }
  std::memcpy(f->data + f->size, buf, static_cast<std::size_t>(amount));
  f->size += amount;
  return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  File* f = file_of(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xTruncate(f->real, size);
}

int x_sync(sqlite3_file* file, int flags) {
  File* f = file_of(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_methods(f).xSync(f->real, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  File* f = file_of(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
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
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
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

// Shared memory (the WAL index) and memory-mapped reads belong to the database file: passed
// through when the default VFS has them.
int x_shm_map(sqlite3_file* file, int page, int page_size, int extend, void volatile** out) {
  File* f = file_of(file);
  if (real_methods(f).iVersion < 2) return SQLITE_IOERR;
  return real_methods(f).xShmMap(f->real, page, page_size, extend, out);
}

int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  File* f = file_of(file);
  if (real_methods(f).iVersion < 2) return SQLITE_IOERR;
  return real_methods(f).xShmLock(f->real, offset, n, flags);
}

void x_shm_barrier(sqlite3_file* file) {
  File* f = file_of(file);
  if (real_methods(f).iVersion >= 2) real_methods(f).xShmBarrier(f->real);
}

int x_shm_unmap(sqlite3_file* file, int delete_flag) {
  File* f = file_of(file);
  if (real_methods(f).iVersion < 2) return SQLITE_OK;
  return real_methods(f).xShmUnmap(f->real, delete_flag);
}

int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  File* f = file_of(file);
  if (real_methods(f).iVersion < 3) {
    *out = nullptr;
    return SQLITE_OK;
  }
  return real_methods(f).xFetch(f->real, offset, amount, out);
}

int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  File* f = file_of(file);
  if (real_methods(f).iVersion < 3) return SQLITE_OK;
  return real_methods(f).xUnfetch(f->real, offset, page);
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  File* f = file_of(file);
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  f->direct_next = false;
  f->data = nullptr;
  f->start = 0;
  f->size = 0;
  f->capacity = 0;
  const int rc = g_default->xOpen(g_default, name, f->real, flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, even after a failed open.
  if (f->real->pMethods) f->base.pMethods = &g_methods;
  return rc;
}

}  // namespace

const char* wal_write_buffer_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sqlite3_initialize() != SQLITE_OK) throw std::runtime_error("SQLite failed to initialise");
    g_default = sqlite3_vfs_find(nullptr);
    if (!g_default) throw std::runtime_error("SQLite has no default VFS");
    g_methods = sqlite3_io_methods{
        3,           x_close,          x_read,       x_write,        x_truncate,
        x_sync,      x_file_size,      x_lock,       x_unlock,       x_check_reserved_lock,
        x_file_control, x_sector_size, x_device_characteristics, x_shm_map, x_shm_lock,
        x_shm_barrier, x_shm_unmap,    x_fetch,      x_unfetch};
    g_vfs = *g_default;  // every other method is the default VFS's own
    g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_default->szOsFile;
    g_vfs.pNext = nullptr;
    g_vfs.zName = "admit-wal-buffer";
    g_vfs.xOpen = x_open;
    if (sqlite3_vfs_register(&g_vfs, 0) != SQLITE_OK)
      throw std::runtime_error("cannot register the SQLite WAL write buffer");
  });
  return g_vfs.zName;
}

}  // namespace admit::sql
