// Rule overrides: the config file's [rule."ID"] tables (config_file.h) applied to the loaded rules,
// before the matcher is built.
//
// `severity` changes what the rule's findings and events say (and so --fail-on); `enabled = false`
// removes the rule. An id no rule has is an error at the table (a typo would otherwise silently
// change nothing), and so is disabling a rule another rule names (a crash rule's absorbs or
// yields, a [[rule.merge]]): that rule would change meaning; suppress its findings instead.
#ifndef KDIAG_CONFIG_RULE_OVERRIDES_H_
#define KDIAG_CONFIG_RULE_OVERRIDES_H_

#include <optional>
#include <vector>

#include "analyzer/config/config_file.h"
#include "analyzer/match/rule.h"

namespace kdiag {

std::optional<Error> ApplyRuleOverrides(const std::vector<RuleOverride>& overrides,
                                        std::vector<Rule>* rules);

}  // namespace kdiag

#endif  // KDIAG_CONFIG_RULE_OVERRIDES_H_
