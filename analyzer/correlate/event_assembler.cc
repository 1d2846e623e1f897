#include "analyzer/correlate/event_assembler.h"

namespace kdiag {

bool EventAssembler::Add(const Record& record, const EventSink& sink) {
  if (open_) {
    const Rule& rule = *open_->rule;
    bool continues = record.source == open_->record.source && record.input == open_->record.input &&
                     record.boot == open_->record.boot && matcher_->Continues(rule, record);
    if (continues) {
      open_->record.text += '\n';
      open_->record.text += record.text;
      open_->record.line_count += record.line_count;
      if (++open_->continuation >= rule.continuation_lines) Flush(sink);
      return true;
    }
    Flush(sink);
  }
  matches_.clear();
  matcher_->Match(record, &matches_);
  for (size_t i = 0; i < matches_.size(); ++i) {
    Event e;
    e.rule = matches_[i].rule;
    e.record = record;
    e.fields = std::move(matches_[i].fields);
    // Only the last event of a record may stay open: continuation lines follow the record, and
    // the events of one record leave in rule order.
    if (i + 1 == matches_.size() && e.rule->continuation_lines > 0) {
      open_ = std::move(e);
    } else {
      sink(std::move(e));
    }
  }
  return false;
}

void EventAssembler::Flush(const EventSink& sink) {
  if (!open_) return;
  Event e = std::move(*open_);
  open_.reset();
  sink(std::move(e));
}

}  // namespace kdiag
