#include "analyzer/config/options.h"

#include "analyzer/config/selection.h"

namespace kdiag {
namespace {

// The live flags' combinations (--follow, --omprog and what goes with them).
std::string CheckLive(const Options& opt) {
  if (!opt.live()) {
    if (!opt.html_file.empty() && !opt.emit.empty()) {
      return "--html writes the report: not with --emit, which prints only the artifact";
    }
    if (opt.from_end || !opt.metrics_file.empty()) {
      return "--from-end and --metrics need --follow or --omprog";
    }
    if (!opt.state_file.empty()) {
      // Batch --state (live/batch_state.h): inputs whose positions a checkpoint can hold.
      bool stdin_path = false;
      for (const std::string& p : opt.paths) stdin_path = stdin_path || p == "-";
      if ((opt.paths.empty() && !opt.kmsg) || !opt.journals.empty() || !opt.guest_paths.empty() ||
          stdin_path) {
        return "--state without --follow takes up files and --kmsg where they were left (not "
               "stdin, --journal or --source)";
      }
      if (!opt.emit.empty()) return "--emit needs the whole input: not with --state";
    }
    return "";
  }
  if (opt.follow && opt.omprog) return "--omprog reads stdin: it does not take --follow";
  if (!opt.journals.empty()) return "--journal is read whole: not with --follow or --omprog";
  if (!opt.guest_paths.empty()) return "--source is read whole: not with --follow or --omprog";
  if (!opt.emit.empty()) return "--emit needs the whole input: not with --follow or --omprog";
  if (!opt.html_file.empty()) return "--html needs the whole input: not with --follow or --omprog";
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

// --since, --until, --boot, --list-boots, --min-severity (config/selection.h).
std::string CheckSelection(const Options& opt) {
  int64_t ignored = 0;
  if (!opt.since.empty()) {
    if (auto err = ParseTimeSpec(opt.since, 0, &ignored)) return "--since: " + *err;
  }
  if (!opt.until.empty()) {
    if (auto err = ParseTimeSpec(opt.until, 0, &ignored)) return "--until: " + *err;
  }
  Severity severity;
  if (!opt.min_severity.empty() && !ParseSeverity(opt.min_severity, &severity)) {
    return "--min-severity takes info, notice, warning, error or critical, not '" +
           opt.min_severity + "'";
  }
  bool window = !opt.since.empty() || !opt.until.empty() || opt.boot || opt.list_boots;
  if (window && opt.live()) {
    return "--since, --until, --boot and --list-boots read a whole input: not with --follow or "
           "--omprog";
  }
  if (opt.list_boots && (!opt.emit.empty() || opt.output == "html" || !opt.html_file.empty())) {
    return "--list-boots prints a table (with --output ndjson, one object per boot): not with "
           "--emit, --output html or --html";
  }
  bool stdin_input =
      opt.paths.empty() && !opt.kmsg && opt.journals.empty() && opt.guest_paths.empty();
  for (const std::string& p : opt.paths) stdin_input = stdin_input || p == "-";
  if (opt.boot && *opt.boot <= 0 && stdin_input) {
    return "--boot 0 and below count boots from the end, which needs the input read twice: give "
           "files, not stdin";
  }
  return "";
}

}  // namespace

void DefaultInputs(Options* opt, bool stdin_is_terminal) {
  if (!opt->paths.empty() || opt->kmsg || !opt->journals.empty() || !opt->guest_paths.empty()) {
    return;
  }
  if (stdin_is_terminal) {
    opt->kmsg = true;
  } else {
    opt->paths = {"-"};
  }
}

std::string CheckOptions(const Options& opt) {
  if (opt.no_config && !opt.config_file.empty()) return "--config FILE or --no-config, not both";
  if (!opt.merge.empty() && opt.emit != "xend-quirks") return "--merge needs --emit xend-quirks";
  if (opt.records && opt.output != "ndjson") return "--records needs --output ndjson";
  if (std::string s = CheckSelection(opt); !s.empty()) return s;
  if (opt.quiet && (opt.live() || !opt.emit.empty() || !opt.output_file.empty())) {
    return "--quiet writes nothing: not with --emit, --output-file, --follow or --omprog";
  }
  return CheckLive(opt);
}

}  // namespace kdiag
