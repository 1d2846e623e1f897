// What `kdiag rules check` demands of a rule beyond loading it.
//
// Rule examples, run: every [[rule.example]] line must produce exactly its fields, and every
// `not` line must not match. The lines go through the real pipeline (framer, boot segmenter,
// matcher, event assembler), so an example also proves its console shape is framed right and
// its continuation lines are consumed.
//
// A reason for every severity (issue 18): each rule must say in `severity_reason` why it has its
// severity, what an operator loses or why nothing is lost. The loader keeps the key optional, so
// a user's --rules file written before it existed still loads and runs; `rules check`, the tool
// for writing rules (and the test suite, for the shipped ones), refuses a rule without it.
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

// One error per rule without a severity_reason, at its [[rule]] table.
std::vector<Error> CheckSeverityReasons(const std::vector<Rule>& rules);

}  // namespace kdiag

#endif  // KDIAG_RULE_CHECK_H_
