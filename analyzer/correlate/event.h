// Event: one rule match on one record, with the records it consumed as continuation lines.
#ifndef KDIAG_CORRELATE_EVENT_H_
#define KDIAG_CORRELATE_EVENT_H_

#include <optional>
#include <string>
#include <vector>

#include "analyzer/input/record.h"
#include "analyzer/match/rule.h"

namespace kdiag {

// What a crash report adds to its event (rules with [rule.crash]).
struct CrashReport {
  std::string title;       // syzkaller's conventions: "WARNING in foo", "KASAN: ... in foo"
  std::string type;        // the rule's crash type
  std::string frame;       // the guilty frame, or empty
  bool corrupted = false;  // no guilty frame found (the title says "in corrupted")
  std::vector<std::string> frames;  // the call trace's function names, top first (bounded)
};

struct Event {
  const Rule* rule = nullptr;
  Record record;  // text extended by consumed continuation lines ('\n'-joined)
  Fields fields;
  int continuation = 0;  // continuation records consumed (a crash report's lines)
  std::optional<CrashReport> crash;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_EVENT_H_
