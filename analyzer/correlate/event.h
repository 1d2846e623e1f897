// Event: one rule match on one record, with the records it consumed as continuation lines.
#ifndef KDIAG_CORRELATE_EVENT_H_
#define KDIAG_CORRELATE_EVENT_H_

#include "analyzer/input/record.h"
#include "analyzer/match/rule.h"

namespace kdiag {

struct Event {
  const Rule* rule = nullptr;
  Record record;  // text extended by consumed continuation lines ('\n'-joined)
  Fields fields;
  int continuation = 0;  // continuation records consumed
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_EVENT_H_
