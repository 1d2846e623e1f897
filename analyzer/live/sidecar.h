// The sidecar: kdiag as a long-running process that follows one live input (a file like
// `tail -F`, /dev/kmsg, stdin, or rsyslog's omprog protocol on stdin), writes every event as an
// NDJSON line at once, checkpoints its position, exports metrics and answers signals.
//
//   SIGTERM, SIGINT: flush, save the state, write the summary line, exit 0
//   SIGHUP:          reopen --output-file, reload the rules (invalid ones are refused, with the
//                    reason on stderr, and the old rules stay)
//   EPIPE on output: end quietly, state saved
#ifndef KDIAG_LIVE_SIDECAR_H_
#define KDIAG_LIVE_SIDECAR_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "analyzer/config/config_file.h"
#include "analyzer/config/selection.h"
#include "analyzer/input/location.h"
#include "analyzer/live/live_loop.h"
#include "analyzer/match/matcher.h"

namespace kdiag {

struct SidecarOptions {
  std::string path;   // the file to follow; "-" or empty: stdin until its end
  bool kmsg = false;  // follow `kmsg_device` instead
  std::string kmsg_device = "/dev/kmsg";
  bool omprog = false;    // stdin speaks rsyslog omprog with confirmMessages="on"
  bool from_end = false;  // without a checkpoint: only what is written from now on
  bool records = false;   // also write every record
  std::string format = "auto";
  std::string output_file;   // empty: stdout (not with omprog: stdout carries the confirmations)
  std::string state_file;    // empty: no checkpoint
  std::string metrics_file;  // empty: no metrics
  Selection selection;       // which rules' events are written (--min-severity, --rule, ...)
  std::vector<Suppression> suppressions;  // the config file's [[suppress]]: events not written
  LiveTimes times;
};

// Builds a matcher from the rules as they are on disk now (for SIGHUP).
using MatcherLoader = std::function<std::optional<Error>(std::unique_ptr<Matcher>*)>;
// Where warnings go (one line each): stderr, terminal-safe, in the CLI.
using Complain = std::function<void(const std::string&)>;

// Runs until the input ends or a stop signal; returns the exit status: 0, or 2 when the input,
// the output or the state could not be used.
int RunSidecar(const SidecarOptions& options, std::unique_ptr<Matcher> matcher,
               const MatcherLoader& reload, const Complain& complain);

}  // namespace kdiag

#endif  // KDIAG_LIVE_SIDECAR_H_
