#pragma once
// A SQLite VFS that gathers the writes of a transaction's WAL frames into one write.
//
// SQLite appends a committing transaction to the write-ahead log one frame at a time, with
// two pwrite calls per frame (a 24-byte header, then the page), each straddling two pages
// of the file because frames are 24 bytes longer than a page. A registration batch writes
// a few hundred frames, so the writer spent about a third of its time in those calls
// (bench/README.md). This VFS wraps the platform's default one and, for WAL files only,
// keeps consecutive frame writes in memory, then writes them with one call:
//
// - before the header of the transaction's commit frame (a frame header whose "database
//   size after commit" field is not zero) is written; that header and the commit frame's
//   page then go straight to the file. So every frame of a transaction is in the file
//   before its commit frame, and an error writing them fails the commit (SQLite rolls
//   back) instead of being discovered later;
// - before any other operation on the WAL file (read, sync, truncate, size, file control,
//   close), before a write that does not continue the buffered run, and when 8 MiB are
//   waiting.
//
// Why this keeps SQLite's guarantees: readers and checkpoints find frames through the
// WAL index, which a commit publishes only after its commit frame is written; by then the
// buffer is empty. Frames of a transaction that rolls back may sit in the buffer until the
// next write to the file, exactly like frames SQLite wrote and then abandoned. A crash
// loses only unpublished frames. Nothing changes for the database file, the journal or
// temporary files.
namespace admit::sql {

// Registers the VFS once (not as the default) and returns its name for sqlite3_open_v2.
const char* wal_write_buffer_vfs();

}  // namespace admit::sql
