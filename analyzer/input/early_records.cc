// EarlyRecords: what is held, and when it leaves, is in the header.
#include "analyzer/input/early_records.h"

#include <utility>

namespace kdiag {

void EarlyRecords::Add(Record&& record, WallClock* clock, const RecordSink& out) {
  if (!held_.empty() && record.boot != held_.front().boot) {  // that boot had none
    given_up_ = true;
    Flush(out);
  }
  clock->Place(&record);
  if (held_.empty() && (given_up_ || !clock->AwaitsAnchor(record))) {
    return out(std::move(record));
  }
  if (!held_.empty() && clock->Anchored()) {
    // The boot's first anchor: everything held came before it, in the same boot, with no
    // suspend in between (a suspend or resume line releases what is held, below).
    for (Record& r : held_) clock->PlaceFromAnchor(&r);
    Flush(out);
    return out(std::move(record));
  }
  if (!held_.empty() && clock->Suspended()) {
    Flush(out);
    return out(std::move(record));
  }
  bytes_ += record.text.size();
  held_.push_back(std::move(record));
  if (held_.size() > kMaxRecords || bytes_ > kMaxBytes) {
    given_up_ = true;
    Flush(out);
  }
}

void EarlyRecords::Flush(const RecordSink& out) {
  while (!held_.empty()) {
    Record r = std::move(held_.front());
    held_.pop_front();
    out(std::move(r));
  }
  bytes_ = 0;
}

}  // namespace kdiag
