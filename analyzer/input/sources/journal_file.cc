// Journal files through sd-journal: the rules are in the header.
#include "analyzer/input/sources/journal_file.h"

#include <fcntl.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "analyzer/input/framers/journal_fields.h"

namespace kdiag {
namespace {

class JournalHandle {
 public:
  JournalHandle() = default;
  JournalHandle(const JournalHandle&) = delete;
  JournalHandle& operator=(const JournalHandle&) = delete;
  ~JournalHandle() {
    if (j_) sd_journal_close(j_);
  }
  sd_journal** out() { return &j_; }
  sd_journal* get() const { return j_; }

 private:
  sd_journal* j_ = nullptr;
};

std::string Errno(int negative) {
  return std::strerror(negative < 0 ? -negative : negative);
}

// What libsystemd's errors mean for a journal file (sd-journal/journal-file.c,
// journal_file_verify_header()): ENODATA when the header claims more than the file holds.
std::string OpenError(int r) {
  std::string why = Errno(r);
  if (r == -ENODATA) return why + " (the file is shorter than its header says: truncated?)";
  if (r == -EBADMSG) return why + " (corrupt journal header)";
  if (r == -EPROTONOSUPPORT) return why + " (journal features this libsystemd does not know)";
  return why;
}

}  // namespace

bool LooksLikeJournalFile(std::string_view head) {
  return head.substr(0, kJournalFileSignature.size()) == kJournalFileSignature;
}

bool IsJournalFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  char head[8];
  ssize_t n;
  do {
    n = pread(fd, head, sizeof head, 0);
  } while (n < 0 && errno == EINTR);
  close(fd);
  return n == static_cast<ssize_t>(sizeof head) &&
         LooksLikeJournalFile(std::string_view(head, sizeof head));
}

std::optional<Error> ReadJournalEntries(const std::string& path, bool directory,
                                        const RecordSink& sink) {
  JournalHandle j;
  int r;
  if (directory) {
    r = sd_journal_open_directory(j.out(), path.c_str(), 0);
  } else {
    const char* paths[] = {path.c_str(), nullptr};
    r = sd_journal_open_files(j.out(), paths, 0);
  }
  if (r < 0) return Error{Location{path, 0, 0}, "journal: cannot open: " + OpenError(r)};

  JournalEntry entry;
  uint64_t index = 0;
  for (;;) {
    r = sd_journal_next(j.get());
    if (r == 0) break;
    if (r < 0) {
      return Error{Location{path, index + 1, 0},
                   "journal: cannot read entry " + std::to_string(index + 1) + ": " + Errno(r)};
    }
    ++index;
    entry.Clear();
    uint64_t realtime = 0, monotonic = 0;
    sd_id128_t boot;
    if (sd_journal_get_realtime_usec(j.get(), &realtime) >= 0) {
      entry.Set("__REALTIME_TIMESTAMP", std::to_string(realtime));
    }
    if (sd_journal_get_monotonic_usec(j.get(), &monotonic, &boot) >= 0) {
      char id[SD_ID128_STRING_MAX];
      entry.Set("__MONOTONIC_TIMESTAMP", std::to_string(monotonic));
      entry.Set("_BOOT_ID", sd_id128_to_string(boot, id));
    }
    const void* data;
    size_t length;
    sd_journal_restart_data(j.get());
    while ((r = sd_journal_enumerate_data(j.get(), &data, &length)) > 0) {
      std::string_view field(static_cast<const char*>(data), length);
      size_t eq = field.find('=');
      if (eq == std::string_view::npos) continue;
      if (entry.Wants(field.substr(0, eq))) entry.Set(field.substr(0, eq), field.substr(eq + 1));
    }
    sink(entry.ToRecord(path, index, 1));
    if (r < 0) {
      return Error{Location{path, index, 0}, "journal: cannot read the fields of entry " +
                                                 std::to_string(index) + ": " + Errno(r)};
    }
  }
  return std::nullopt;
}

}  // namespace kdiag
