// Matcher: the compiled rule set. Records in, rule matches with their captures out.
//
// Every rule pattern variant is compiled twice: into one Vectorscan database in prefilter mode
// (HS_FLAG_PREFILTER: Vectorscan accepts any pattern by approximating what it cannot do exactly,
// and reports a superset of the true matches), and into its own RE2, the first time Vectorscan
// reports it (most variants are never a candidate in a run). A record's text is scanned once by
// Vectorscan; only the variants it reports are run in RE2, which decides and extracts the
// captures. Most lines of a log match nothing, so most lines cost one Vectorscan scan and no RE2
// at all. A variant Vectorscan rejects outright is a "always candidate": RE2 runs on it for every
// record, so no rule is ever lost to the prefilter.
//
// The compiled database comes from the compiled-database cache (database_cache.h) when it holds
// one for exactly these patterns on this machine; a miss compiles and stores it.
//
// This is the one boundary between the pipeline and the matching engine: the buffer-level
// scanner of the throughput work replaces the inside, not the interface.
#ifndef KDIAG_MATCH_MATCHER_H_
#define KDIAG_MATCH_MATCHER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/input/location.h"
#include "analyzer/input/record.h"
#include "analyzer/match/candidate_scanner.h"
#include "analyzer/match/database_cache.h"
#include "analyzer/match/rule.h"

namespace kdiag {

struct RuleMatch {
  const Rule* rule = nullptr;
  Fields fields;
};

class Matcher {
 public:
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Compiles the rules (which must already be validated by rule_file.h: a pattern RE2 rejects
  // matches nothing here), with the cache the
  // environment names (DatabaseCache::FromEnvironment).
  static std::optional<Error> Build(std::vector<Rule> rules, std::unique_ptr<Matcher>* out);
  // The same with the given cache; null compiles without one.
  static std::optional<Error> Build(std::vector<Rule> rules, const DatabaseCache* cache,
                                    std::unique_ptr<Matcher>* out);

  const std::vector<Rule>& rules() const { return rules_; }

  // Appends one RuleMatch per rule that matches the record (first matching variant of each
  // rule; rules whose source differs from the record's are skipped), in rule order.
  // Not thread-safe: one Matcher per thread.
  void Match(const Record& record, std::vector<RuleMatch>* out);

  // Does the record continue an event of `rule` (its `continuation` pattern)? The pattern is
  // compiled on the rule's first use, so this is no more thread-safe than Match.
  bool Continues(const Rule& rule, const Record& record) const;

  // The candidate scanner for these rules' patterns plus a framer's own literals
  // (candidate_scanner.h), built on the first call (from the compiled-database cache when it has
  // it) and kept for later calls with the same literals. Null when some pattern has no required
  // literal; scanner_note() says why, or where the scanner came from.
  const CandidateScanner* Scanner(const std::vector<std::string>& extra);
  const std::string& scanner_note() const { return scanner_note_; }

  // Variants Vectorscan could not compile (run in RE2 for every record).
  size_t always_candidates() const { return always_.size(); }

  // Where the prefilter database came from, for tests and debugging: "cache hit: PATH",
  // "compiled (cache miss: WHY)", possibly followed by " (not stored: WHY)", or "compiled (no
  // cache)".
  const std::string& database_origin() const { return origin_; }

 private:
  struct Impl;
  Matcher();
  // Does one of the rule's `exclude` patterns match?
  bool Excluded(size_t rule, std::string_view text) const;

  std::vector<Rule> rules_;
  std::vector<size_t> always_;  // variant indexes
  std::string origin_;
  std::unique_ptr<Impl> impl_;
  DatabaseCache cache_{""};  // the cache Build used (no directory: none), for Scanner()
  std::unique_ptr<CandidateScanner> scanner_;
  std::optional<std::vector<std::string>> scanner_extra_;  // what scanner_ was built for
  std::string scanner_note_;
};

}  // namespace kdiag

#endif  // KDIAG_MATCH_MATCHER_H_
