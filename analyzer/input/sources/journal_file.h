// Binary journal files and journal directories, read through libsystemd's sd-journal.
//
// journald's own files (/var/log/journal/<machine-id>/*.journal, and "*.journal~" left by an
// unclean shutdown) start with the 8-byte signature "LPKSHHRH" (systemd
// src/libsystemd/sd-journal/journal-def.h, HEADER_SIGNATURE); kdiag recognises them by that,
// whatever their name. sd_journal_open_files() reads one file, sd_journal_open_directory() every
// journal file below a directory, interleaved by time (what `journalctl -D DIR` shows).
//
// Every entry's fields go through JournalEntry (journal_fields.h), exactly as the json and export
// renderings do, so the three give identical records; __REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP
// and _BOOT_ID come from the entry's header (sd_journal_get_realtime_usec(),
// sd_journal_get_monotonic_usec()). A record's `line` is the entry's 1-based index in the order
// read. Data objects are read up to libsystemd's default threshold (64 KiB per field).
//
// A file libsystemd cannot open, or an entry it cannot read (a truncated or corrupt file), is an
// error naming the input and the entry index; entries before the damage are kept.
#ifndef KDIAG_INPUT_SOURCES_JOURNAL_FILE_H_
#define KDIAG_INPUT_SOURCES_JOURNAL_FILE_H_

#include <optional>
#include <string>
#include <string_view>

#include "analyzer/input/framers/framer.h"
#include "analyzer/input/location.h"

namespace kdiag {

inline constexpr std::string_view kJournalFileSignature = "LPKSHHRH";

bool LooksLikeJournalFile(std::string_view head);
// True when the regular file at `path` starts with the journal file signature.
bool IsJournalFile(const std::string& path);

// Every entry of the journal file, or of the journal files below the directory, in order.
// Records are named `path`.
std::optional<Error> ReadJournalEntries(const std::string& path, bool directory,
                                        const RecordSink& sink);

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_JOURNAL_FILE_H_
