// Suppression: the [[suppress]] entries of the config file (config_file.h), applied to what a run
// reports.
//
// A suppressed finding or event is left out of the report and the NDJSON stream, and counted
// (the summary's "suppressed" and "suppressed_events", the text report's last line), so a
// silenced problem is never lost without a trace. It still feeds correlation: a suppressed PCI
// enumeration line still names a device, a suppressed link-down still merges with its link-up.
//
// An entry whose `expires` day has passed no longer applies, and kdiag says so on stderr each run
// (with the entry's place and reason), so a workaround for a problem that was meant to be fixed
// does not hide it for ever.
#ifndef KDIAG_CONFIG_SUPPRESSION_H_
#define KDIAG_CONFIG_SUPPRESSION_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/config/config_file.h"
#include "analyzer/match/rule.h"

namespace re2 {
class RE2;
}

namespace kdiag {

class Suppressor {
 public:
  // `today` is YYYY-MM-DD (Today()); entries that expired before it are dropped, and a notice
  // for each is appended to `notices`.
  Suppressor(const std::vector<Suppression>& entries, const std::string& today,
             std::vector<std::string>* notices);
  ~Suppressor();

  bool empty() const { return entries_.empty(); }
  // Whether an entry applies to a finding or event of rule `rule_id` with this message and
  // these captures.
  bool Suppresses(std::string_view rule_id, std::string_view message, const Fields& fields) const;

 private:
  struct Active {
    std::string rule;
    std::unique_ptr<re2::RE2> match;  // null: any message
    Fields fields;
  };
  std::vector<Active> entries_;
};

// The local date, YYYY-MM-DD.
std::string Today();

}  // namespace kdiag

#endif  // KDIAG_CONFIG_SUPPRESSION_H_
