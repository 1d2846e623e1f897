// Findings: events de-duplicated per boot, rule and key fields, with counts and first/last time.
//
// A log can repeat one message millions of times (a guest hammering a register), and every
// distinct value a guest writes could make a new key, so the table is bounded, and so is each
// finding (guests write these lines, and a sidecar must not be pushed into the OOM killer):
//   - a finding keeps bounded copies of what it shows: each field value at most kStoredField
//     bytes, the message kStoredMessage, the crash title kStoredField and each frame name
//     kStoredFrame (KSYM_NAME_LEN, include/linux/kallsyms.h: 512 since Linux 6.1, 128 before); a
//     cut value ends in "…". A key longer than kStoredField is kept as its SHA-256. Events are
//     streamed as they come and keep their whole text.
//   - the table holds at most max_findings findings and about max_bytes bytes of them (the
//     advice that the remedy stage adds later is counted in advance, as the rule's advice
//     template plus the fields), like RE2's max_mem: past either, new keys are only counted
//     (dropped()); findings already there still count their events.
#ifndef KDIAG_CORRELATE_FINDING_H_
#define KDIAG_CORRELATE_FINDING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "analyzer/correlate/event.h"
#include "analyzer/correlate/pci_topology.h"
#include "analyzer/input/provenance.h"

namespace kdiag {

// Events of another rule merged into a finding ([[rule.merge]], finding_links.h): the first one's
// place and text, and how many there were.
struct MergedEvents {
  std::string rule;  // the other rule's id
  uint64_t count = 0;
  uint64_t line = 0;  // of the first one, in the finding's input
  std::string message;
};

// Events of another rule that this finding's event explains ([[rule.explain]], finding_links.h):
// consequences that make no finding of their own. The first one's place, text and summary, the
// last one's line, and how many there were.
struct ExplainedEvents {
  std::string rule;  // the effect's rule id
  uint64_t count = 0;
  uint64_t line = 0;  // of the first one, in the finding's input
  uint64_t last_line = 0;
  std::string message;
  std::string summary;  // the effect rule's summary with the first one's fields
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
  // Wall time of the first / last event that has one (input/wall_clock.h), microseconds since the
  // epoch, and how the first was known.
  std::optional<int64_t> first_timestamp_us;
  std::optional<int64_t> last_timestamp_us;
  std::string_view timestamp_source;
  std::string boot_id;  // the first event's
  std::string input;    // where the first event was
  uint64_t line = 0;
  uint64_t last_line = 0;
  std::string message;  // the first event's text
  std::string host;
  // Who wrote the text (input/provenance.h): the first event's, or kGuest when any event is a
  // guest's. A guest's finding is reported, but never becomes a fix for the host.
  Provenance provenance = Provenance::kKernel;
  std::optional<CrashReport> crash;        // of the first event
  size_t order = 0;                        // arrival order of the first event (or merged event)
  std::vector<MergedEvents> merged;        // by rule, in the order they were first merged
  std::vector<ExplainedEvents> explained;  // by rule, in the order they were first explained
  // The worst consequence's severity and rule (`explained`), when one is worse than this rule.
  Severity consequence_severity = Severity::kInfo;
  std::string severity_from;
  // The finding's severity: its rule's, raised to that of its worst consequence (a command timeout
  // whose controller is then removed is as severe as the removal). Outputs, --fail-on,
  // --min-severity and the summary's counts use it; events keep their rule's.
  Severity severity() const {
    return consequence_severity > rule->severity ? consequence_severity : rule->severity;
  }
  // Set after the table (correlate/card_functions.h): the functions of one card that had this
  // same problem, when more than one (their findings were folded into this one), and the bridge
  // the card sits behind when the log shows one that hides it from the IOMMU.
  std::vector<Bdf> functions;
  std::optional<HidingBridge> behind_bridge;
};

class FindingTable {
 public:
  static constexpr size_t kStoredField = 512;
  static constexpr size_t kStoredFrame = 512;
  static constexpr size_t kStoredMessage = 16 * 1024;
  static constexpr size_t kDefaultMaxBytes = 64 << 20;

  explicit FindingTable(size_t max_findings = 100000, size_t max_bytes = kDefaultMaxBytes)
      : max_(max_findings), max_bytes_(max_bytes) {}

  // Adds an event of a non-fact rule (fact rules are ignored), arriving after every event added
  // so far.
  void Add(const Event& event);
  // The same for callers that hold events back (finding_links.h): `arrival` is the event's place
  // in the input order, and `merged`, when not null, an event of another rule that belongs to this
  // event's finding: its fields fill in those the finding lacks, and it is counted under
  // Finding::merged. A table is fed by one of the two forms only.
  void Add(const Event& event, const Event* merged, uint64_t arrival);
  // `effect` is a consequence of `cause`, an event already added: the cause's finding lists it
  // (Finding::explained). False when the cause made no finding (the table was full).
  bool Explain(const Event& cause, const Event& effect);

  // After a rule reload: every finding points at the rule of its id in `rules` (which must
  // outlive the table or the next Rebind), or, when `rules` has none, at a copy of the rule it
  // had, kept here. The rules the findings pointed at before are not used again.
  void Rebind(const std::vector<Rule>& rules);

  // Findings by boot, then severity (highest first), then first appearance.
  std::vector<Finding*> Sorted();
  size_t size() const { return findings_.size(); }
  // The findings whose rule has severity `s` (the summary counts info-level ones apart).
  size_t CountAt(Severity s) const;
  uint64_t dropped() const { return dropped_; }
  // The bytes the findings are counted at (their strings and a fixed cost each).
  size_t bytes() const { return bytes_; }

 private:
  using Key = std::tuple<std::string, int, std::string, std::string>;  // input, boot, rule, key
  static Key KeyOf(const Event& event);
  static void AddMerged(const Event& merged, Finding* f);
  size_t max_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  uint64_t dropped_ = 0;
  uint64_t arrivals_ = 0;  // events given to Add(event)
  std::map<Key, Finding> findings_;
  std::map<std::string, Rule> retired_;  // by id: rules no longer in the rule set (Rebind)
};

// The values of the rule's key fields (all fields when the rule names none), '\x1f'-joined.
std::string FindingKey(const Rule& rule, const Fields& fields);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_FINDING_H_
