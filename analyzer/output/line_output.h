// LineOutput: where a live run writes its NDJSON lines: stdout or a file reopened on SIGHUP.
//
// Every line is written at once with blocking write()s: a slow reader slows kdiag down rather
// than losing events, and a shipper tailing the file sees each event as soon as it is matched.
// A file is opened for appending (a restarted sidecar adds to what the shipper has not read yet)
// and reopened by path after logrotate moved it away. EPIPE closes the output quietly; the run
// loop then ends the run.
//
// A file never keeps a torn line. A write() cut short (a full disk, a crash, power loss) leaves a
// line without its newline at the end; appending to it would glue the next event onto half of
// another, which the shipper cannot parse and which loses both. So when a write fails, and
// whenever the file is opened, a last line without its newline is cut off (ftruncate back to the
// last '\n'): the event it belonged to comes again from the input, because the checkpoint never
// claims a record whose event was not written (sidecar.cc). A tail longer than any line kdiag
// writes (kMaxTornLine) is not kdiag's: it is kept, and a newline is added after it instead.
//
// A file deleted while kdiag writes to it (by hand, by a logrotate configured without
// postrotate) is noticed before the next line is written (st_nlink is 0) and created again at
// its path, like logrotate's `create`.
#ifndef KDIAG_OUTPUT_LINE_OUTPUT_H_
#define KDIAG_OUTPUT_LINE_OUTPUT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/input/location.h"

namespace kdiag {

class LineOutput {
 public:
  // Longer than the event lines kdiag writes in practice (a crash report is at most 256 lines,
  // usually well under 100 KiB of JSON); a longer unterminated tail is kept, as if someone else's,
  // and ended with a newline, so only a pathological event (hundreds of 64 KiB lines) is left
  // torn, and never glued to the next one.
  static constexpr size_t kMaxTornLine = size_t{8} << 20;

  // `path` empty: stdout (not closed, never reopened).
  explicit LineOutput(std::string path) : path_(std::move(path)) {}
  ~LineOutput();
  LineOutput(const LineOutput&) = delete;
  LineOutput& operator=(const LineOutput&) = delete;

  // Opens the file (stdout: nothing to do) and cuts a torn last line; *notice (when given) then
  // says so, naming the file.
  std::optional<Error> Open(std::string* notice = nullptr);
  // Opens the path again (after rotation); on failure the old file stays in use.
  std::optional<Error> Reopen(std::string* notice = nullptr);
  // When the file was deleted since it was opened, opens (creates) it again and returns true with
  // *notice saying so.
  bool ReopenIfDeleted(std::string* notice);
  // Writes whole lines at once; after a failure nothing more is written.
  void Write(std::string_view lines);
  // Makes what was written durable (fdatasync) before a checkpoint claims it was; a no-op for
  // pipes and terminals.
  void Sync();
  bool closed() const { return closed_; }
  // The errno of a failure other than EPIPE, or 0.
  int error() const { return error_; }
  // The file's path, or "stdout".
  std::string name() const { return path_.empty() ? "stdout" : path_; }

 private:
  std::string path_;
  int fd_ = 1;
  bool closed_ = false;
  int error_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_LINE_OUTPUT_H_
