// Selection: which part of the input a run looks at and which rules it reports.
//
// --since/--until and --boot choose records: a record outside them is counted but never matched,
// so nothing it says reaches an event, a finding or a fix. A record that cannot be placed in wall
// time (input/wall_clock.h: no stamp and no anchor) is outside any --since/--until window: kdiag
// cannot say it belongs. --min-severity, --rule and --skip-rule choose what is reported: events
// and findings of other rules are still found (a finding may absorb or explain another) but left
// out of every output; --fail-on still weighs them all.
//
// TIME, as journalctl takes it (systemd.time(7)): "2025-11-03T18:54:01Z" and the other RFC 3339
// forms; "2025-11-03", "2025-11-03 18:54", "2025-11-03 18:54:01" in local time; "now", "today",
// "yesterday", "tomorrow" (local midnight); and relative times "-1h", "+30min", "-2d",
// "3 hours ago" (units s, sec, m, min, h, hour, d, day, w, week, plural forms too).
//
// Boots are numbered over the whole run, inputs in the order given, as --list-boots shows them;
// --boot N counts like journalctl: 1 is the first, 2 the second, 0 the last, -1 the one before.
#ifndef KDIAG_CONFIG_SELECTION_H_
#define KDIAG_CONFIG_SELECTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/config/options.h"
#include "analyzer/match/rule.h"

namespace kdiag {

// TIME (above) at `now_us`, as microseconds since the epoch; an error message when it is none.
std::optional<std::string> ParseTimeSpec(std::string_view text, int64_t now_us, int64_t* unix_us);

// fnmatch(3)-style: '*' any run, '?' one character, '[...]' a set; nothing else special.
bool GlobMatch(std::string_view glob, std::string_view text);

struct Selection {
  std::optional<int64_t> since_us;  // records at or after
  std::optional<int64_t> until_us;  // records at or before
  bool has_min_severity = false;
  Severity min_severity = Severity::kInfo;
  std::vector<std::string> rules;       // keep only ids matching one (none: all)
  std::vector<std::string> skip_rules;  // drop ids matching one

  // Whether events and findings of `rule` are reported (--min-severity, --rule, --skip-rule).
  bool Reports(const Rule& rule) const { return Reports(rule, rule.severity); }
  // A finding is weighed at its own severity, which a consequence may have raised above its
  // rule's (correlate/finding.h).
  bool Reports(const Rule& rule, Severity severity) const;
  // Whether the record is inside --since/--until.
  bool InWindow(const std::optional<int64_t>& timestamp_us) const;
  bool has_window() const { return since_us || until_us; }
};

// The selection `opt` asks for, at `now_us`; an error message (already checked by CheckOptions,
// so only the clock could make it fail) otherwise.
std::optional<std::string> MakeSelection(const Options& opt, int64_t now_us, Selection* out);

}  // namespace kdiag

#endif  // KDIAG_CONFIG_SELECTION_H_
