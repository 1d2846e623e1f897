#include "analyzer/config/rule_overrides.h"

#include <algorithm>
#include <set>
#include <string>

namespace kdiag {
namespace {

// A rule that stays and names `id` (absorbs, yields, merge), or null.
const Rule* NamedBy(const std::vector<Rule>& rules, const std::string& id,
                    const std::set<std::string>& disabled) {
  for (const Rule& r : rules) {
    if (r.id == id || disabled.count(r.id)) continue;
    if (r.crash) {
      const CrashSpec& c = *r.crash;
      if (std::count(c.absorbs.begin(), c.absorbs.end(), id) ||
          std::count(c.yields.begin(), c.yields.end(), id)) {
        return &r;
      }
    }
    for (const MergeSpec& m : r.merges) {
      if (m.other == id) return &r;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<Error> ApplyRuleOverrides(const std::vector<RuleOverride>& overrides,
                                        std::vector<Rule>* rules) {
  std::set<std::string> disabled;
  for (const RuleOverride& o : overrides) {
    auto it =
        std::find_if(rules->begin(), rules->end(), [&o](const Rule& r) { return r.id == o.id; });
    if (it == rules->end()) return Error{o.where, "no rule has the id '" + o.id + "'"};
    if (o.severity) it->severity = *o.severity;
    if (o.enabled) {
      if (*o.enabled) {
        disabled.erase(o.id);
      } else {
        disabled.insert(o.id);
      }
    }
  }
  for (const RuleOverride& o : overrides) {
    if (!disabled.count(o.id)) continue;
    if (const Rule* user = NamedBy(*rules, o.id, disabled)) {
      return Error{o.where, "rule '" + o.id + "' cannot be disabled: rule '" + user->id + "' (" +
                                user->where.ToString() +
                                ") names it; suppress its findings instead"};
    }
  }
  rules->erase(std::remove_if(rules->begin(), rules->end(),
                              [&disabled](const Rule& r) { return disabled.count(r.id) > 0; }),
               rules->end());
  return std::nullopt;
}

}  // namespace kdiag
