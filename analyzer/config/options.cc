#include "analyzer/config/options.h"

namespace kdiag {
namespace {

// The live flags' combinations (--follow, --omprog and what goes with them).
std::string CheckLive(const Options& opt) {
  if (!opt.live()) {
    if (opt.from_end || !opt.metrics_file.empty()) {
      return "--from-end and --metrics need --follow or --omprog";
    }
    if (!opt.state_file.empty()) {
      // Batch --state (live/batch_state.h): one input whose position a checkpoint can hold.
      size_t inputs =
          opt.paths.size() + (opt.kmsg ? 1 : 0) + opt.journals.size() + opt.guest_paths.size();
      if (inputs != 1 || !opt.journals.empty() || !opt.guest_paths.empty() ||
          (!opt.paths.empty() && opt.paths[0] == "-")) {
        return "--state without --follow takes up one input where it was left: one file or --kmsg";
      }
      if (!opt.emit.empty()) return "--emit needs the whole input: not with --state";
    }
    return "";
  }
  if (opt.follow && opt.omprog) return "--omprog reads stdin: it does not take --follow";
  if (!opt.journals.empty()) return "--journal is read whole: not with --follow or --omprog";
  if (!opt.guest_paths.empty()) return "--source is read whole: not with --follow or --omprog";
  if (!opt.emit.empty()) return "--emit needs the whole input: not with --follow or --omprog";
  if (opt.output_given && opt.output != "ndjson")
    return "live modes write NDJSON (--output ndjson)";
  if (opt.omprog && opt.output_file.empty()) {
    return "--omprog needs --output-file (stdout carries the confirmations)";
  }
  if (opt.omprog && (opt.kmsg || !opt.paths.empty())) return "--omprog reads only stdin";
  if (opt.kmsg && !opt.paths.empty()) return "--kmsg --follow follows only /dev/kmsg";
  if (opt.paths.size() > 1) return "--follow follows one file (run one kdiag per file)";
  return "";
}

}  // namespace

std::string CheckOptions(const Options& opt) {
  if (opt.no_config && !opt.config_file.empty()) return "--config FILE or --no-config, not both";
  if (!opt.merge.empty() && opt.emit != "xend-quirks") return "--merge needs --emit xend-quirks";
  if (opt.records && opt.output != "ndjson") return "--records needs --output ndjson";
  return CheckLive(opt);
}

}  // namespace kdiag
