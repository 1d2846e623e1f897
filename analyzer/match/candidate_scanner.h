// CandidateScanner: which lines of a block of input could match a rule, found in one pass.
//
// Most lines of a log match no rule. Framing a line (parsing its prefix, building a Record) and
// running the matcher's per-record scan cost several hundred nanoseconds each; the scanner lets
// the pipeline skip both for lines that cannot match. For every rule pattern it derives a set of
// *required literals*: strings of which at least one occurs in any text the pattern matches
// (RE2's FilteredRE2 analysis of the pattern, reduced to a minimal set that keeps the longest
// literals). All those literals go into one Vectorscan literal database (caseless, since RE2's
// analysis folds case), which is scanned over whole blocks of input at about a gigabyte per second.
// A line in which no literal ends is no candidate: no rule can match it, so only its count and
// its time stamp matter to later stages (the framer decides what else it needs: console_framer.h).
//
// Literals are cut to kMaxLiteral bytes (a prefix of a required literal is required too), so a
// literal that straddles two blocks is found by scanning each block together with the last
// lookback() bytes of the one before.
//
// A pattern with no required literal (it can match text made of anything, like "^\S+$") makes the
// scanner unavailable: Build says why, and every line is then a candidate. The database comes from
// the compiled-database cache like the matcher's (database_cache.h); the literal derivation and
// compile (about 40 ms for the shipped rules) run only on a miss.
#ifndef KDIAG_MATCH_CANDIDATE_SCANNER_H_
#define KDIAG_MATCH_CANDIDATE_SCANNER_H_

#include <hs/hs.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/input/block_reader.h"
#include "analyzer/match/database_cache.h"

namespace kdiag {

// At least one of *literals (lowercase) occurs, ignoring ASCII case, in every text `pattern`
// matches. False when there is no such set: the pattern has no literal it requires, a literal
// holds a byte outside ASCII, or RE2 rejects it.
bool RequiredLiterals(const std::string& pattern, std::vector<std::string>* literals);

class CandidateScanner {
 public:
  static constexpr size_t kMaxLiteral = 32;

  // Per-thread scanning state.
  class Scratch {
   public:
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

   private:
    friend class CandidateScanner;
    Scratch() = default;
    hs_scratch_t* hs = nullptr;
  };

  ~CandidateScanner();
  CandidateScanner(const CandidateScanner&) = delete;
  CandidateScanner& operator=(const CandidateScanner&) = delete;

  // A scanner for `patterns` plus `extra` literals (any case), or null with *why_not saying which
  // pattern has no required literal. `cache` may be null.
  static std::unique_ptr<CandidateScanner> Build(const std::vector<const std::string*>& patterns,
                                                 const std::vector<std::string>& extra,
                                                 const DatabaseCache* cache, std::string* why_not);

  // Bytes of the previous block to scan again in front of the next one.
  static constexpr size_t lookback() { return kMaxLiteral - 1; }

  std::unique_ptr<Scratch> NewScratch() const;

  // Scans `data` and appends, in increasing order, the end offset (exclusive, relative to
  // data + skip) of every literal occurrence that ends after data + skip. `skip` bytes at the
  // front are the previous block's tail (at most lookback()). False when the scan failed (no
  // scratch, a Vectorscan error): then nothing is known and every line is a candidate.
  bool Scan(std::string_view data, size_t skip, Scratch* scratch,
            std::vector<uint32_t>* ends) const;

  // Scan with a scratch of its own, in the form line_reader.h takes (one per thread).
  BlockScan NewBlockScan() const;

  // Where the database came from (like Matcher::database_origin()).
  const std::string& origin() const { return origin_; }

 private:
  CandidateScanner() = default;
  PrefilterDatabase db_;
  std::string origin_;
};

}  // namespace kdiag

#endif  // KDIAG_MATCH_CANDIDATE_SCANNER_H_
