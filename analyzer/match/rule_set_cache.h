// The rule set in the compiled-rules cache: a warm start parses no TOML.
//
// Parsing the embedded rules with toml++ was half of a warm start's instructions (bench/RESULTS.md)
// although the rules are the same on every run of one binary. So the rule set, once parsed and
// validated, is encoded into a flat byte string and kept as an entry of the compiled-rules cache
// (database_cache.h: same directory, same envelope of magic, key and CRC-32C, same checks of who
// owns and can write it) beside the Vectorscan databases compiled from it. A later start decodes
// it instead of parsing.
//
// The key is a SHA-256 over a format name and EmbeddedRulesDigest(): the build's digest of every
// embedded rule file and of the code that reads and encodes rules (rule.h, rule.cc, rule_file.cc,
// this file's .cc; cmake/embed_rules.cmake). Another binary with other rules, or whose reading of
// rules differs, has another key, so an entry is never taken for a rule set it was not made from;
// computing the key at build time keeps hashing 400 KB of TOML out of every start.
//
// The entry is input from outside the process (a shared or restored $HOME), so the decoder trusts
// nothing in it: every length and count is bounded by what is left of the entry and by a limit of
// its own, the severity and the source are stored as their names and parsed back (no integer that
// could be out of an enum's range), every boolean is 0 or 1, the body must end where the last rule
// ends, and every decoded rule passes the checks of rule_file.cc that need neither toml++ nor RE2
// (CheckRuleValues: id spelling, ranges of windows and counts, crash frame sources, what an example
// may have). Patterns stay text; RE2 compiles them lazily where they are used, as it does for rules
// read from TOML, and a pattern RE2 rejects matches nothing there. Whatever fails is a miss with a
// reason: the rules are parsed from TOML and the entry rewritten.
#ifndef KDIAG_MATCH_RULE_SET_CACHE_H_
#define KDIAG_MATCH_RULE_SET_CACHE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/input/location.h"
#include "analyzer/match/database_cache.h"
#include "analyzer/match/rule.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/match/sha256.h"

namespace kdiag {

// The flat form of validated rules (every field of Rule and of what it holds).
std::string EncodeRules(const std::vector<Rule>& rules);

// Decodes EncodeRules' output into *rules (replacing what it held); nullopt on success, else why
// not (and *rules is left empty).
std::optional<std::string> DecodeRules(std::string_view bytes, std::vector<Rule>* rules);

// The checks of rule_file.cc that a decoded rule must pass again: nullopt, or the first problem.
std::optional<std::string> CheckRuleValues(const Rule& rule);

// The cache key of the embedded rule set (see the top of this file).
Sha256::Digest EmbeddedRuleSetKey();

// The embedded rules as LoadEmbeddedRules(rules, PatternChecks::kTrusted) reads them, from the
// cache's entry when it has a valid one, else parsed and then stored. Appends to *rules. *origin
// (when not null) says where they came from: "cache hit: PATH", "parsed (cache miss: WHY)",
// possibly followed by " (not stored: WHY)", or "parsed (no cache)". An entry is stored only for
// rules that pass CheckUniqueIds (rule_file.h) as a whole, so *captures (when not null) is
// CaptureChecks::kSkip on a cache hit: the caller that lays nothing over these rules need not
// compile their patterns again to learn their capture names. It is kCompile otherwise. A forged
// entry could name a field no pattern captures; the correlation stages read such a field as
// empty (FieldValue), as they read one a line did not fill.
std::optional<Error> LoadEmbeddedRulesCached(const DatabaseCache& cache, std::vector<Rule>* rules,
                                             std::string* origin = nullptr,
                                             CaptureChecks* captures = nullptr);

}  // namespace kdiag

#endif  // KDIAG_MATCH_RULE_SET_CACHE_H_
