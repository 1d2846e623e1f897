// The rule files shipped in rules/, embedded at build time by cmake/embed_rules.cmake.
#ifndef KDIAG_MATCH_EMBEDDED_RULES_H_
#define KDIAG_MATCH_EMBEDDED_RULES_H_

#include <string_view>
#include <vector>

namespace kdiag {

struct EmbeddedRuleFile {
  std::string_view name;  // "rules/xen-pciback.toml"
  std::string_view text;
};

const std::vector<EmbeddedRuleFile>& EmbeddedRuleFiles();

// SHA-256 (64 hex digits) of the embedded files' names and texts and of the code that reads and
// encodes rules, computed at build time (cmake/embed_rules.cmake): the rule set's cache key.
std::string_view EmbeddedRulesDigest();

}  // namespace kdiag

#endif  // KDIAG_MATCH_EMBEDDED_RULES_H_
