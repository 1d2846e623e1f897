// EventAssembler: records in, events out, with multi-line messages grouped.
//
// Renderings that repeat the prefix on every line of a multi-line message (console, serial,
// syslog(2) dmesg) turn one kernel record into several lines; pciback's read-only warning is the
// classic case: one dev_warn with two '\n' (drivers/xen/xen-pciback/conf_space.c). A rule's
// `continuation` pattern says which following records belong to its event. The assembler holds
// such an event open until a record arrives that does not continue it (or the limit is reached),
// so events leave in input order and continuation records are consumed, never matched on their
// own.
#ifndef KDIAG_CORRELATE_EVENT_ASSEMBLER_H_
#define KDIAG_CORRELATE_EVENT_ASSEMBLER_H_

#include <functional>
#include <optional>
#include <vector>

#include "analyzer/correlate/event.h"
#include "analyzer/match/matcher.h"

namespace kdiag {

using EventSink = std::function<void(Event&&)>;

class EventAssembler {
 public:
  explicit EventAssembler(Matcher* matcher) : matcher_(matcher) {}

  // Returns true when the record was consumed as a continuation line of an open event.
  bool Add(const Record& record, const EventSink& sink);
  // End of an input: emit the open event, if any.
  void Flush(const EventSink& sink);

 private:
  Matcher* matcher_;
  std::optional<Event> open_;
  std::vector<RuleMatch> matches_;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_EVENT_ASSEMBLER_H_
