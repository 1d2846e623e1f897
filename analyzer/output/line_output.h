// LineOutput: where a live run writes its NDJSON lines: stdout or a file reopened on SIGHUP.
//
// Every line is written at once with blocking write()s: a slow reader slows kdiag down rather
// than losing events, and a shipper tailing the file sees each event as soon as it is matched.
// A file is opened for appending (a restarted sidecar adds to what the shipper has not read yet)
// and reopened by path after logrotate moved it away. EPIPE closes the output quietly; the run
// loop then ends the run.
#ifndef KDIAG_OUTPUT_LINE_OUTPUT_H_
#define KDIAG_OUTPUT_LINE_OUTPUT_H_

#include <optional>
#include <string>
#include <string_view>

#include "analyzer/input/location.h"

namespace kdiag {

class LineOutput {
 public:
  // `path` empty: stdout (not closed, never reopened).
  explicit LineOutput(std::string path) : path_(std::move(path)) {}
  ~LineOutput();
  LineOutput(const LineOutput&) = delete;
  LineOutput& operator=(const LineOutput&) = delete;

  // Opens the file (stdout: nothing to do).
  std::optional<Error> Open();
  // Opens the path again (after rotation); on failure the old file stays in use.
  std::optional<Error> Reopen();
  // Writes whole lines at once; after a failure nothing more is written.
  void Write(std::string_view lines);
  // Makes what was written durable (fdatasync) before a checkpoint claims it was; a no-op for
  // pipes and terminals.
  void Sync();
  bool closed() const { return closed_; }
  // The errno of a failure other than EPIPE, or 0.
  int error() const { return error_; }

 private:
  std::string path_;
  int fd_ = 1;
  bool closed_ = false;
  int error_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_LINE_OUTPUT_H_
