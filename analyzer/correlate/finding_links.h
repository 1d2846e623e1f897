// FindingLinks: two messages that are one problem become one finding ([[rule.merge]]).
//
// Some problems print two messages, each of which a rule recognises on its own, and each alone
// means something else than the pair:
//   - Xen's "Error getting mfn ... from L1 entry E" followed by "ptwr_emulate: fixing up invalid
//     PAE PTE E" for the same domain and entry is the 32-bit PAE guest's half-written PTE, which
//     Xen repairs; the first line alone is a page-table entry Xen refused, for another reason.
//   - the old OOM killer's "Out of memory: Kill process N (comm) score S or sacrifice child" and
//     the "Killed process N" that follows it are one kill;
//   - "NETDEV WATCHDOG: eth0 ... timed out" and the dev_watchdog WARNING printed with it are one
//     transmit timeout (which comes first depends on the kernel: hence `after` and `before`; the
//     two share no value, so the WARNING is recognised by its own: other_fields).
// The rule whose finding the pair becomes says so in its file (rule.h MergeSpec):
//
//   [[rule.merge]]
//   after  = "xen.mm.bad_mfn"   # or before = ID: this rule's event comes first
//   fields = ["domain", "pte"]  # equal in both events
//   other_fields = { func = "dev_watchdog" }  # optional: values the other event must have
//   lines  = 8                  # the second event at most 8 input lines after the first
//   seconds = 1.0               # optional: and at most 1 s apart when both have a kernel time
//
// Both events still leave as events of their own rules (the observer sees them at once). Only the
// finding table is fed differently: an event that may be the first of a pair is held here until
// its partner arrives (then the owner rule's finding takes both: Finding::merged counts the
// partner, whose fields fill in those the owner lacks) or until it can no longer arrive (another
// input or boot, or the window has passed: then it becomes a finding of its own rule, with its own
// advice). The result does not depend on when held events are let go, only on the input, so it
// is the same for any --threads, pass-over or not. Pairs are formed in input order: a second
// event takes the oldest held first event it matches. Held events are bounded in number and in
// bytes of text (a crash report can be 64 KiB); past either bound the oldest is let go unpaired.
#ifndef KDIAG_CORRELATE_FINDING_LINKS_H_
#define KDIAG_CORRELATE_FINDING_LINKS_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string_view>
#include <vector>

#include "analyzer/correlate/event.h"
#include "analyzer/correlate/finding.h"

namespace kdiag {

constexpr size_t kMaxHeldFirsts = 4096;
constexpr size_t kMaxHeldBytes = 4 * 1024 * 1024;

class FindingLinks {
 public:
  // Indexes every [[rule.merge]] of `rules` (validated: rule_file.h CheckUniqueIds), which must
  // outlive this object.
  explicit FindingLinks(const std::vector<Rule>& rules);

  // Hands the event to `table`: now, or once it is known whether it is half of a pair.
  void Add(const Event& event, FindingTable* table);
  // Lets every held event go to `table` unpaired: at the end of an input, before the rules
  // change, before the findings are read.
  void Flush(FindingTable* table);
  size_t held() const { return held_.size(); }

 private:
  // One [[rule.merge]]: `owner` has the table; `first` and `second` are the owner and the other
  // rule in the order their events appear.
  struct Link {
    const Rule* owner;
    const MergeSpec* spec;
    const Rule* first;
    const Rule* second;
  };
  struct Held {
    Event event;
    uint64_t arrival;
    uint64_t window;  // the widest `lines` of the links it may start
  };
  static bool Pairs(const Link& link, const Event& first, const Event& second);
  // Lets go the oldest held events that no later event can complete.
  void Expire(const Record& now, FindingTable* table);

  std::map<std::string_view, std::vector<Link>> by_first_;   // by the first rule's id
  std::map<std::string_view, std::vector<Link>> by_second_;  // by the second rule's id
  std::deque<Held> held_;
  size_t held_bytes_ = 0;  // of the held events' texts
  uint64_t arrivals_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_FINDING_LINKS_H_
