#include "analyzer/correlate/event_assembler.h"

#include <algorithm>

namespace kdiag {
namespace {

// lib/bug.c / kernel/panic.c print_oops_end_marker: "---[ end trace %016llx ]---" (since 5.19
// "---[ end trace 0000000000000000 ]---"); kernel/panic.c: "---[ end Kernel panic - not syncing:
// %s ]---".
bool IsEndMarker(std::string_view text) {
  return text.compare(0, 8, "---[ end") == 0;
}

// The "=====...": line KASAN, KCSAN, KMSAN, KFENCE and UBSAN print before and after a report.
bool IsRule(std::string_view text) {
  return text.size() >= 16 && text.find_first_not_of('=') == std::string_view::npos;
}

// The die counter of an oops line: arch/x86/kernel/dumpstack.c __die "%s: %04lx [#%d]" (2.6:
// arch/i386/kernel/traps.c die), arm64 "Internal error: %s: %x [#%d]", powerpc "%s: %lx [#%d]".
// Every oops since boot has its own number, so a second number in one report is a second oops
// (one that came without its fault line, or one a recursive fault printed inside the first).
std::string_view DieCounter(std::string_view text) {
  size_t at = text.find(" [#");
  if (at == std::string_view::npos) return {};
  size_t end = at + 3;
  while (end < text.size() && end - at < 13 && text[end] >= '0' && text[end] <= '9') ++end;
  if (end == at + 3 || end >= text.size() || text[end] != ']') return {};
  return text.substr(at + 2, end - at - 1);
}

}  // namespace

bool EventAssembler::Continue(const Record& record, const EventSink& sink) {
  const Rule& rule = *open_->rule;
  bool continues = record.source == open_->record.source && record.input == open_->record.input &&
                   record.boot == open_->record.boot && matcher_->Continues(rule, record);
  if (!continues) {
    Event e = std::move(*open_);
    open_.reset();
    Emit(std::move(e), sink);
    return false;
  }
  open_->record.text += '\n';
  open_->record.text += record.text;
  open_->record.line_count += record.line_count;
  if (++open_->continuation >= rule.continuation_lines) {
    Event e = std::move(*open_);
    open_.reset();
    Emit(std::move(e), sink);
  }
  return true;
}

int EventAssembler::ReportOf(const Record& record) const {
  // The report of the record's task; a record without a caller id (or a report opened by one)
  // goes with the newest report of its source.
  // After "Sending NMI from CPU", the other CPUs' backtraces (interrupt context, "[ C1]") are the
  // report's too (syzkaller's findReport cpuTraceback).
  int compatible = -1, traceback = -1;
  bool cpu = !record.caller.empty() && record.caller[0] == 'C';
  for (int i = static_cast<int>(reports_.size()) - 1; i >= 0; --i) {
    const Record& h = reports_[i].event.record;
    if (record.source != h.source) continue;
    if (record.caller == h.caller) return i;
    if (compatible < 0 && (record.caller.empty() || h.caller.empty())) compatible = i;
    if (traceback < 0 && cpu && reports_[i].cpu_traceback) traceback = i;
  }
  return compatible >= 0 ? compatible : traceback;
}

bool EventAssembler::Add(const Record& record, const EventSink& sink, bool may_match) {
  if (open_ && Continue(record, sink)) return true;

  // Reports of another input or boot have ended.
  for (size_t i = 0; i < reports_.size();) {
    const Record& h = reports_[i].event.record;
    if (record.input != h.input || record.boot != h.boot) {
      CloseReport(i, sink);
    } else {
      ++i;
    }
  }
  // Is the record a line of an open report's task?
  int mine = ReportOf(record);

  matches_.clear();
  if (may_match) matcher_->Match(record, &matches_);
  // One line opens at most one report: the first crash rule (in rule order) that matched.
  const RuleMatch* header = nullptr;
  for (const RuleMatch& m : matches_) {
    if (m.rule->crash) {
      header = &m;
      break;
    }
  }

  bool consumed = false;
  // A header that interleaves with an open report of its task is a one-line report of its own.
  bool alone = mine >= 0 && header && header->rule->crash->interleaves;
  if (mine >= 0 && !alone) {
    Report& report = reports_[mine];
    const CrashSpec& spec = *report.event.rule->crash;
    bool part =
        !header || header->rule->crash->secondary ||
        std::find(spec.absorbs.begin(), spec.absorbs.end(), header->rule->id) != spec.absorbs.end();
    std::string_view oops = DieCounter(record.text);
    bool other_oops = !oops.empty() && !report.oops.empty() && oops != report.oops;
    if (header && !part &&
        std::find(spec.yields.begin(), spec.yields.end(), header->rule->id) != spec.yields.end()) {
      // The header says what the report is (a panic's message after its register dump): the
      // report keeps its lines and becomes that rule's, with that header's fields.
      report.event.rule = header->rule;
      report.event.fields = header->fields;
      report.header = report.lines.size() + 1;  // this record's index among the report's lines
      part = true;
    }
    if (other_oops) part = false;
    if (!part) {
      CloseReport(mine, sink);  // the new header opens its own report below
    } else if (IsRule(record.text) && !report.lines.empty()) {
      CloseReport(mine, sink);
    } else {
      AppendToReport(&report, record);
      consumed = true;
      if (IsEndMarker(record.text) || crashes_.Ends(*report.event.rule, record.text) ||
          report.lines.size() >= kMaxReportLines || report.bytes >= kMaxReportBytes) {
        CloseReport(mine, sink);
      }
    }
  }

  for (size_t i = 0; i < matches_.size(); ++i) {
    bool is_header = &matches_[i] == header;
    if (is_header && consumed) continue;  // a secondary or absorbed line of the report
    if (matches_[i].rule->crash && !is_header) continue;  // one report per line
    Event e;
    e.rule = matches_[i].rule;
    e.record = record;
    e.fields = std::move(matches_[i].fields);
    if (is_header && alone) {
      std::vector<std::string_view> line = {e.record.text};
      crashes_.Analyze(line, &e);
      Emit(std::move(e), sink);
    } else if (is_header) {
      OpenReport(std::move(e), sink);
    } else if (i + 1 == matches_.size() && e.rule->continuation_lines > 0 && reports_.empty()) {
      // Only the last event of a record may stay open: continuation lines follow the record,
      // and the events of one record leave in rule order.
      open_ = std::move(e);
    } else {
      Emit(std::move(e), sink);
    }
  }
  return consumed;
}

void EventAssembler::Emit(Event&& e, const EventSink& sink) {
  if (pending_.empty()) return sink(std::move(e));
  Pending p;
  p.event = std::move(e);
  pending_.push_back(std::move(p));
  // Held back too long: the oldest reports leave as they are.
  while (pending_.size() > kMaxHeldEvents && !reports_.empty()) CloseReport(0, sink);
}

void EventAssembler::OpenReport(Event&& e, const EventSink& sink) {
  if (reports_.size() >= kMaxOpenReports) CloseReport(0, sink);
  Report report;
  report.id = next_report_++;
  report.event = std::move(e);
  report.bytes = report.event.record.text.size();
  report.oops.assign(DieCounter(report.event.record.text));
  Pending p;
  p.report = report.id;
  pending_.push_back(std::move(p));
  reports_.push_back(std::move(report));
}

void EventAssembler::AppendToReport(Report* report, const Record& record) {
  if (report->oops.empty()) report->oops.assign(DieCounter(record.text));
  // lib/nmi_backtrace.c nmi_trigger_cpumask_backtrace: "Sending NMI from CPU %d to CPUs %*pbl:\n".
  if (record.text.find("Sending NMI from CPU") != std::string::npos) report->cpu_traceback = true;
  report->lines.push_back(record.text);
  report->bytes += record.text.size() + 1;
  report->event.record.line_count += record.line_count;
}

void EventAssembler::CloseReport(size_t index, const EventSink& sink) {
  Report report = std::move(reports_[index]);
  reports_.erase(reports_.begin() + static_cast<std::ptrdiff_t>(index));
  Event& e = report.event;
  std::vector<std::string_view> lines;
  lines.reserve(report.lines.size() + 1);
  lines.push_back(e.record.text);  // Analyze adds fields; the text changes only after it
  for (const std::string& l : report.lines) lines.push_back(l);
  crashes_.Analyze(lines, &e, report.header);
  // The event's text is the whole report (bounded by kMaxReportBytes plus one line).
  e.record.text.reserve(report.bytes);
  for (const std::string& l : report.lines) {
    e.record.text += '\n';
    e.record.text += l;
  }
  e.continuation = static_cast<int>(report.lines.size());
  for (Pending& p : pending_) {
    if (p.report == report.id) {
      p.event = std::move(e);
      break;
    }
  }
  Drain(sink);
}

void EventAssembler::CloseAllReports(const EventSink& sink) {
  while (!reports_.empty()) CloseReport(0, sink);
}

void EventAssembler::Drain(const EventSink& sink) {
  while (!pending_.empty() && pending_.front().event) {
    Event e = std::move(*pending_.front().event);
    pending_.pop_front();
    sink(std::move(e));
  }
}

void EventAssembler::Flush(const EventSink& sink) {
  if (open_) {
    Event e = std::move(*open_);
    open_.reset();
    Emit(std::move(e), sink);
  }
  CloseAllReports(sink);
}

}  // namespace kdiag
