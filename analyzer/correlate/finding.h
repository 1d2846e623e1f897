// Findings: events de-duplicated per boot, rule and key fields, with counts and first/last time.
//
// A log can repeat one message millions of times (a guest hammering a register), and every
// distinct value a guest writes could make a new key, so the table is bounded: past max_findings
// distinct findings, further new keys are only counted (dropped()).
#ifndef KDIAG_CORRELATE_FINDING_H_
#define KDIAG_CORRELATE_FINDING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "analyzer/correlate/event.h"

namespace kdiag {

// Events of another rule merged into a finding ([[rule.merge]], finding_links.h): the first one's
// place and text, and how many there were.
struct MergedEvents {
  std::string rule;  // the other rule's id
  uint64_t count = 0;
  uint64_t line = 0;  // of the first one, in the finding's input
  std::string message;
};

struct Finding {
  const Rule* rule = nullptr;
  int boot = 0;
  Fields fields;        // of the first event
  std::string summary;  // rule summary expanded with the first event's fields
  std::string advice;   // filled by the remedy stage
  uint64_t count = 0;
  std::optional<int64_t> first_us;  // kernel time of the first / last event, when known
  std::optional<int64_t> last_us;
  std::string input;  // where the first event was
  uint64_t line = 0;
  uint64_t last_line = 0;
  std::string message;  // the first event's text
  std::string host;
  std::optional<CrashReport> crash;  // of the first event
  size_t order = 0;                  // arrival order of the first event (or merged event)
  std::vector<MergedEvents> merged;  // by rule, in the order they were first merged
};

class FindingTable {
 public:
  explicit FindingTable(size_t max_findings = 100000) : max_(max_findings) {}

  // Adds an event of a non-fact rule (fact rules are ignored), arriving after every event added
  // so far.
  void Add(const Event& event);
  // The same for callers that hold events back (finding_links.h): `arrival` is the event's place
  // in the input order, and `merged`, when not null, an event of another rule that belongs to this
  // event's finding: its fields fill in those the finding lacks, and it is counted under
  // Finding::merged. A table is fed by one of the two forms only.
  void Add(const Event& event, const Event* merged, uint64_t arrival);

  // After a rule reload: every finding points at the rule of its id in `rules` (which must
  // outlive the table or the next Rebind), or, when `rules` has none, at a copy of the rule it
  // had, kept here. The rules the findings pointed at before are not used again.
  void Rebind(const std::vector<Rule>& rules);

  // Findings by boot, then severity (highest first), then first appearance.
  std::vector<Finding*> Sorted();
  size_t size() const { return findings_.size(); }
  uint64_t dropped() const { return dropped_; }

 private:
  using Key = std::tuple<std::string, int, std::string, std::string>;  // input, boot, rule, key
  static void AddMerged(const Event& merged, Finding* f);
  size_t max_;
  uint64_t dropped_ = 0;
  uint64_t arrivals_ = 0;  // events given to Add(event)
  std::map<Key, Finding> findings_;
  std::map<std::string, Rule> retired_;  // by id: rules no longer in the rule set (Rebind)
};

// The values of the rule's key fields (all fields when the rule names none), '\x1f'-joined.
std::string FindingKey(const Rule& rule, const Fields& fields);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_FINDING_H_
