// EventAssembler: records in, events out, with multi-line messages and crash reports grouped.
//
// Renderings that repeat the prefix on every line of a multi-line message (console, serial,
// syslog(2) dmesg) turn one kernel record into several lines; pciback's read-only warning is the
// classic case: one dev_warn with two '\n' (drivers/xen/xen-pciback/conf_space.c). A rule's
// `continuation` pattern says which following records belong to its event. The assembler holds
// such an event open until a record arrives that does not continue it (or the limit is reached),
// so events leave in input order and continuation records are consumed, never matched on their
// own.
//
// A crash report is the same idea at a larger scale: the header a [rule.crash] rule matches opens
// a report that takes every following record of the same input, boot, source and task (caller id,
// when the log has them: reports of concurrent tasks interleave) until
//   - an end marker: "---[ end trace ...]---" or "---[ end Kernel panic ...]---" (kept), or a
//     line of '=' after the report's first line (sanitizer reports are framed by them; not kept),
//   - a line the rule's `end` pattern matches (kept; Xen's "Reboot in five seconds..."),
//   - the header of another report (a rule with [rule.crash] that is neither `secondary` nor
//     absorbed by the open report's rule); a header the open report's rule `yields` to takes the
//     report over instead (its rule and fields replace the report's, the lines stay: Xen prints
//     the register dump and call trace of a fatal trap before the panic that names it),
//   - kMaxReportLines lines or kMaxReportBytes of text, or the end of the input or boot.
// Records of other tasks are matched as usual; their events wait (in order, bounded) until the
// open report leaves, so events always leave in the order of their first line.
#ifndef KDIAG_CORRELATE_EVENT_ASSEMBLER_H_
#define KDIAG_CORRELATE_EVENT_ASSEMBLER_H_

#include <functional>
#include <optional>
#include <vector>

#include "analyzer/correlate/crash_report.h"
#include "analyzer/correlate/event.h"
#include "analyzer/match/matcher.h"

namespace kdiag {

using EventSink = std::function<void(Event&&)>;

// Bounds of one crash report: lines after the header, bytes of its text, and events of other
// tasks held back while it is open.
constexpr size_t kMaxReportLines = 256;
constexpr size_t kMaxReportBytes = 64 * 1024;
constexpr size_t kMaxHeldEvents = 1024;

class EventAssembler {
 public:
  explicit EventAssembler(Matcher* matcher) : matcher_(matcher), crashes_(matcher->rules()) {}

  // Returns true when the record was consumed as a continuation line of an open event or a line
  // of an open crash report. `may_match` false: the caller knows no rule can match the record
  // (candidate_scanner.h found none of the rules' literals in its lines), so it is not matched.
  bool Add(const Record& record, const EventSink& sink, bool may_match = true);
  // End of an input: emit the open event and report, if any.
  void Flush(const EventSink& sink);
  // No event waits for continuation lines and no report is open: a record that matches no rule
  // changes nothing here (the pipeline may then pass over such records).
  bool Idle() const { return !open_ && !report_; }

 private:
  bool Continue(const Record& record, const EventSink& sink);
  // Emits `e` now, or holds it while a report is open.
  void Emit(Event&& e, const EventSink& sink);
  void OpenReport(Event&& e, const EventSink& sink);
  void AppendToReport(const Record& record);
  void CloseReport(const EventSink& sink);

  Matcher* matcher_;
  CrashAnalyzer crashes_;
  std::optional<Event> open_;    // an event waiting for continuation lines
  std::optional<Event> report_;  // an open crash report
  std::vector<std::string> report_lines_;
  size_t report_header_ = 0;  // index of the line whose rule the report is (yields), 0: the first
  size_t report_bytes_ = 0;
  std::string report_oops_;  // die()'s "[#N]" counter of the oops the report holds, or empty
  std::vector<Event> held_;  // events of other tasks that appeared while the report is open
  std::vector<RuleMatch> matches_;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_EVENT_ASSEMBLER_H_
