// FindingLinks: how events become findings when a rule's file declares that they relate to other
// events: two messages that are one problem become one finding ([[rule.merge]]); an event that a
// later one resolves is no finding ([[rule.settle]]); events that make a finding only when they
// repeat ([rule.threshold]).
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
//   seconds = 1.0               # optional: and at most 1 s apart (Elapsed below)
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
//
// Settle. A link that goes down and comes back up seconds later (at boot, in a VM guest whose
// backend restarts) or goes down as the machine suspends is not a problem an operator acts on:
//
//   [[rule.settle]]
//   by      = "net.link.up"   # a later event of this rule (a fact is fine) resolves this one
//   fields  = ["iface"]       # equal in both (none: any event of `by` in the window)
//   lines   = 2000            # at most this many lines later
//   seconds = 10              # and, when their time apart is known, at most this much later
//
// An event of a rule with settle tables is held until an event of a `by` rule that matches one of
// them arrives (then it is resolved: no finding, though it stays an event), or until none can
// arrive any more (window passed, another input or boot, the end): then it is a finding.
//
// Threshold. Some messages are a problem only when they repeat (a link that flaps, a storm of
// corrected memory errors):
//
//   [rule.threshold]
//   count   = 3       # this many events of the rule with the same finding key ...
//   lines   = 100000  # ... within this many lines
//   seconds = 600     # and this much time (when the events' time apart is known)
//
// Such events wait (at most count - 1 per key) until the count-th arrives within the window of
// the oldest waiting one: then all of them go to the finding table, as does every later one while
// the window holds count of them. Waiting events that fall out of the window are no finding. A
// settled event still counts: a link that comes back every time but flaps `count` times is a
// finding of all its drops. A waiting event is bounded like a held one.
//
// Explain. An earlier cause turns later effects into its consequences: a USB stick pulled out
// and then I/O errors on its disk are one problem (the stick was removed while in use), not a
// failing disk; a link that went down and the NFS server that then stopped responding; an OOM
// kill and the tasks that hung after it:
//
//   [[rule.explain]]
//   effect  = "storage.blk.io_error"             # a later event of this rule is a consequence
//   device  = { cause = "usb", effect = "disk" }  # on the cause's device or a part of it, and/or
//   fields  = []                                  # these captures equal in both
//   lines   = 20000                               # at most this many lines later
//   seconds = 600                                 # and this much time
//
// An effect makes no finding of its own (it stays an event); the cause's finding lists it
// (Finding::explained). The most recent cause that matches takes it. A cause that is still held
// (a link down waiting for its link up) keeps its effects with it: if it becomes a finding they are
// its consequences, if it is resolved they are findings of their own. So does the first event of a
// pair that waits for its second (an xc loader's refusal before libxl's "cannot (re-)build
// domain"): the effects are the consequences of the pair's finding, or of the first's own. A rule
// with `finding_alone = false` is a finding only once it explains something (a USB device unplugged
// is no problem); its event waits for an effect through its widest explain window.
//
// Devices. Which disk belongs to which USB device is said by enumeration lines the rules mark
// with [rule.part_of] (`part = "disk", whole = "scsi_host"`: "sd 6:0:0:0: [sdb] Attached SCSI
// removable disk"; `part = "scsi_host", whole = "usb"`: "scsi host6: usb-storage 2-1:1.0"). They
// make a graph of (capture name, value) nodes for the input and boot, the latest statement for a
// part winning (names are reused after a removal); an effect is on the cause's device when a walk
// of at most kMaxPartHops from the effect's node reaches the cause's. The graph is bounded
// (kMaxParts nodes: past it, it starts again).
//
// Time. A window's `seconds` are measured between the two records' kernel (or hypervisor) times
// when both have one, else between their wall-clock times when both have one (a syslog file or a
// journal without kernel stamps); when neither pair is known, only the window's `lines` apply.
#ifndef KDIAG_CORRELATE_FINDING_LINKS_H_
#define KDIAG_CORRELATE_FINDING_LINKS_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "analyzer/correlate/event.h"
#include "analyzer/correlate/finding.h"

namespace kdiag {

constexpr size_t kMaxHeldFirsts = 4096;
constexpr size_t kMaxHeldBytes = 4 * 1024 * 1024;
constexpr size_t kMaxParts = 4096;
constexpr int kMaxPartHops = 8;
constexpr size_t kMaxHeldEffects = 256;  // effects kept with one held cause

// How long after `a` `b` came, in microseconds (negative when before): by kernel time when both
// records have one, else by wall-clock time when both have one, else unknown.
std::optional<int64_t> Elapsed(const Record& a, const Record& b);

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
  // Events resolved by a settle table or still waiting for a threshold / let go below it.
  uint64_t settled() const { return settled_; }
  // Events that were consequences of an earlier cause ([[rule.explain]]).
  uint64_t explained() const { return explained_; }

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
    uint64_t window;                  // the widest `lines` of the links it may start (or settles)
    int64_t window_us = -1;           // settle only: the widest `seconds`, -1 when one has none
    bool settle = false;              // waits for a resolving event, not for the second of a pair
    bool needs_effect = false;        // finding_alone = false: waits for an effect to explain
    std::vector<Event> effects = {};  // effects it explains if it becomes (part of) a finding
  };
  // A cause that reached the finding table, for the effects that follow (texts dropped).
  struct Cause {
    Event event;
    uint64_t window;
    int64_t window_us;
  };
  using Node = std::pair<std::string, std::string>;  // capture name, value
  // The events of one rule and finding key counted against its [rule.threshold].
  struct Tally {
    std::string input;
    int boot = 0;
    std::deque<Held> waiting;   // not findings yet, oldest first
    std::deque<Record> recent;  // line and time of the last `count` events (texts dropped)
  };
  static bool Pairs(const Link& link, const Event& first, const Event& second);
  // Lets go the oldest held events that no later event can complete.
  void Expire(const Record& now, FindingTable* table);
  // An event that no pair took: through its rule's threshold and settle tables to `table`.
  void Admit(const Event& event, uint64_t arrival, FindingTable* table);
  // Resolves the held events that `event` settles; true when it settled one.
  void Settle(const Event& event, FindingTable* table);
  // A settled event still counts towards its rule's threshold.
  void Count(Held held, FindingTable* table, bool settled);
  // Holds an event until a settle table's rule resolves it or its window passes.
  void Hold(Held held);
  // To the table, remembered when its rule explains others.
  void ToTable(const Event& event, const Event* merged, uint64_t arrival, FindingTable* table);
  // A held event that became a finding: its effects become its consequences.
  void Release(Held held, FindingTable* table);
  // The first of a pair whose second never came: an event like any other of its rule, and the
  // effects it kept while it waited are its consequences when it is a finding.
  void Unpaired(Held held, FindingTable* table);
  // The effects of a held event that was resolved are events like any other.
  void Orphan(std::vector<Event> effects, FindingTable* table);
  // Takes `event` as a consequence of an earlier cause; false when it is none.
  bool Explain(const Event& event, uint64_t arrival, FindingTable* table);
  bool Explains(const Event& cause, const Event& effect) const;
  bool PartOf(const Event& effect, const std::string& effect_field, const Event& cause,
              const std::string& cause_field) const;
  void NotePart(const Event& event);

  std::map<std::string_view, std::vector<const Rule*>> settled_by_;    // by the `by` rule's id
  std::map<std::pair<std::string_view, std::string>, Tally> tallies_;  // by rule id and key
  size_t tally_bytes_ = 0;
  uint64_t settled_ = 0;
  bool gated_ = false;  // some rule has a settle or threshold table

  std::map<std::string_view, std::vector<Link>> by_first_;             // by the first rule's id
  std::map<std::string_view, std::vector<Link>> by_second_;            // by the second rule's id
  std::map<std::string_view, std::vector<const Rule*>> explained_by_;  // by the effect's rule id
  std::deque<Cause> causes_;
  std::map<Node, Node> whole_of_;  // part -> whole, for parts_input_ and parts_boot_
  std::string parts_input_;
  int parts_boot_ = 0;
  uint64_t explained_ = 0;
  std::deque<Held> held_;
  size_t held_bytes_ = 0;  // of the held events' texts
  uint64_t arrivals_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_FINDING_LINKS_H_
