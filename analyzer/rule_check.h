// Rule examples, run: every [[rule.example]] line must produce exactly its fields, and every
// `not` line must not match. The lines go through the real pipeline (framer, boot segmenter,
// matcher, event assembler), so an example also proves its console shape is framed right and
// its continuation lines are consumed.
#ifndef KDIAG_RULE_CHECK_H_
#define KDIAG_RULE_CHECK_H_

#include <vector>

#include "analyzer/input/location.h"
#include "analyzer/match/matcher.h"

namespace kdiag {

struct RuleCheckResult {
  int rules = 0;
  int examples = 0;  // examples and counter-examples run
  std::vector<Error> failures;
};

// Runs the examples of every rule in the matcher (all rules stay active while an example runs,
// as they would on a real log).
RuleCheckResult CheckRuleExamples(Matcher* matcher);

}  // namespace kdiag

#endif  // KDIAG_RULE_CHECK_H_
