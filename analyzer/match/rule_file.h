// Rule files: TOML text in, validated Rules out, or an error that says file:line:column.
//
// Validation is strict because a rule that silently does nothing is worse than none: unknown
// keys, wrong types, patterns RE2 rejects, key/example fields the pattern does not capture, and
// duplicate ids within a layer of rule files are all errors; a later layer may replace a rule by
// reusing its id (OverlayRules). Examples are not run here (see rule_check.h).
#ifndef KDIAG_MATCH_RULE_FILE_H_
#define KDIAG_MATCH_RULE_FILE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/input/location.h"
#include "analyzer/match/rule.h"

namespace kdiag {

// How much of a rule file's checking needs RE2. kCompile compiles every pattern (to reject what
// RE2 rejects and to learn the named captures that summaries, keys, merges and examples may name);
// kTrusted does every other check but compiles nothing: for the rules embedded in the binary,
// which the test suite and `kdiag rules check` compile in full
// (RuleFile.EmbeddedRulesPassEveryCheck), so that start-up does not compile each of their patterns
// twice (the matcher compiles what it needs later). Compiling them was a third of a warm start's
// instructions (bench/RESULTS.md).
enum class PatternChecks { kCompile, kTrusted };

// Parses one rule file's text; appends its rules. `name` is used in errors and Rule::where.
std::optional<Error> ParseRuleFile(std::string_view text, std::string_view name,
                                   std::vector<Rule>* rules,
                                   PatternChecks checks = PatternChecks::kCompile);

// Every *.toml file directly in `dir`, in name order. Error when dir cannot be read or holds none.
std::optional<Error> LoadRuleDir(const std::string& dir, std::vector<Rule>* rules);

// The rules embedded at build time.
std::optional<Error> LoadEmbeddedRules(std::vector<Rule>* rules,
                                       PatternChecks checks = PatternChecks::kCompile);

// Whether CheckUniqueIds learns the named captures of the rules that merges, settles and explains
// name (an RE2 compile of each such rule's patterns, 6.4 M instructions for the shipped rules) to
// check their fields. kSkip only for a rule set that passed the whole check before and has not
// changed since: the embedded rules from the compiled-rules cache (rule_set_cache.h stores an
// entry only for rules that passed it), with no --rules directory laid over them.
enum class CaptureChecks { kCompile, kSkip };

// Checks what spans rule files once all are loaded: duplicate ids are an error naming both places,
// every id a crash rule `absorbs` must exist, and every [[rule.merge]] must name an existing,
// non-fact rule that captures all its `fields` (the error is at the merge table). With
// CaptureChecks::kSkip every check is made but that a field is a named capture.
std::optional<Error> CheckUniqueIds(const std::vector<Rule>& rules,
                                    CaptureChecks captures = CaptureChecks::kCompile);

// Only the duplicate ids: an error at the second rule with an id, naming the first.
std::optional<Error> CheckDuplicateIds(const std::vector<Rule>& rules);

// Adds a later layer of rules (the rule files of one --rules DIR) to those loaded before (the
// embedded rules, earlier directories). A rule whose id an earlier layer has replaces that rule in
// its place, and a notice naming both places is appended to `notices`: this is how an operator
// changes a shipped rule. Two rules with one id within the layer are an error (CheckDuplicateIds),
// since one of them would silently never run.
std::optional<Error> OverlayRules(std::vector<Rule> layer, std::vector<Rule>* rules,
                                  std::vector<std::string>* notices);

}  // namespace kdiag

#endif  // KDIAG_MATCH_RULE_FILE_H_
