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

bool EventAssembler::Add(const Record& record, const EventSink& sink, bool may_match) {
  if (open_ && Continue(record, sink)) return true;

  // Is the record a line of the open report's task?
  bool mine = false;
  if (report_) {
    const Record& h = report_->record;
    if (record.input != h.input || record.boot != h.boot) {
      CloseReport(sink);
    } else {
      mine = record.source == h.source &&
             (record.caller.empty() || h.caller.empty() || record.caller == h.caller);
    }
  }

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
  if (report_ && mine) {
    const CrashSpec& spec = *report_->rule->crash;
    bool part =
        !header || header->rule->crash->secondary ||
        std::find(spec.absorbs.begin(), spec.absorbs.end(), header->rule->id) != spec.absorbs.end();
    std::string_view oops = DieCounter(record.text);
    bool other_oops = !oops.empty() && !report_oops_.empty() && oops != report_oops_;
    if (header && !part &&
        std::find(spec.yields.begin(), spec.yields.end(), header->rule->id) != spec.yields.end()) {
      // The header says what the report is (a panic's message after its register dump): the
      // report keeps its lines and becomes that rule's, with that header's fields.
      report_->rule = header->rule;
      report_->fields = header->fields;
      report_header_ = report_lines_.size() + 1;  // this record's index among the report's lines
      part = true;
    }
    if (other_oops) part = false;
    if (!part) {
      CloseReport(sink);  // the new header opens its own report below
    } else if (IsRule(record.text) && !report_lines_.empty()) {
      CloseReport(sink);
    } else {
      AppendToReport(record);
      consumed = true;
      if (IsEndMarker(record.text) || crashes_.Ends(*report_->rule, record.text) ||
          report_lines_.size() >= kMaxReportLines || report_bytes_ >= kMaxReportBytes) {
        CloseReport(sink);
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
    if (is_header) {
      OpenReport(std::move(e), sink);
    } else if (i + 1 == matches_.size() && e.rule->continuation_lines > 0 && !report_) {
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
  if (!report_) return sink(std::move(e));
  if (held_.size() >= kMaxHeldEvents) {
    CloseReport(sink);
    return sink(std::move(e));
  }
  held_.push_back(std::move(e));
}

void EventAssembler::OpenReport(Event&& e, const EventSink& sink) {
  if (report_) CloseReport(sink);
  report_ = std::move(e);
  report_lines_.clear();
  report_header_ = 0;
  report_bytes_ = report_->record.text.size();
  report_oops_.assign(DieCounter(report_->record.text));
}

void EventAssembler::AppendToReport(const Record& record) {
  if (report_oops_.empty()) report_oops_.assign(DieCounter(record.text));
  report_lines_.push_back(record.text);
  report_bytes_ += record.text.size() + 1;
  report_->record.line_count += record.line_count;
}

void EventAssembler::CloseReport(const EventSink& sink) {
  if (!report_) return;
  Event e = std::move(*report_);
  report_.reset();
  std::vector<std::string_view> lines;
  lines.reserve(report_lines_.size() + 1);
  lines.push_back(e.record.text);  // Analyze adds fields; the text changes only after it
  for (const std::string& l : report_lines_) lines.push_back(l);
  crashes_.Analyze(lines, &e, report_header_);
  // The event's text is the whole report (bounded by kMaxReportBytes plus one line).
  e.record.text.reserve(report_bytes_);
  for (const std::string& l : report_lines_) {
    e.record.text += '\n';
    e.record.text += l;
  }
  e.continuation = static_cast<int>(report_lines_.size());
  report_lines_.clear();
  sink(std::move(e));
  std::vector<Event> held = std::move(held_);
  held_.clear();
  for (Event& h : held) sink(std::move(h));
}

void EventAssembler::Flush(const EventSink& sink) {
  if (open_) {
    Event e = std::move(*open_);
    open_.reset();
    Emit(std::move(e), sink);
  }
  CloseReport(sink);
}

}  // namespace kdiag
