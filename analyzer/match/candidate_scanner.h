// CandidateScanner: which lines of a block of input could match a rule, found in one pass.
//
// Most lines of a log match no rule. Framing a line (parsing its prefix, building a Record) and
// running the matcher's per-record scan cost several hundred nanoseconds each; the scanner lets
// the pipeline skip both for lines that cannot match. From every rule pattern it derives up to
// kMaxClauses *clauses*: sets of literals such that any text the pattern matches holds at least
// one literal of every clause (RE2's FilteredRE2 analysis of the pattern: the first clause keeps
// the longest literals, each further one uses none of the literals before it; a further clause is
// scanned for only while the clauses so far hold a short literal, or when its literals are scanned
// for anyway; literals of four bytes or more are preferred to three, since short literals slow the
// scan of every byte). "NIC Link is Down"
// gives one clause for "link " and one for "down", so a "Link is Up" line is no candidate.
//
// All literals go into one Vectorscan literal database (caseless, since RE2's analysis folds
// case), scanned over whole blocks of input at about a gigabyte per second. The few lines in which
// a literal ends are then checked clause by clause: a line is a candidate when it satisfies every
// clause of some pattern (or holds one of the caller's extra literals). Any other line matches no
// rule, so only its count and its time stamp matter to later stages (the framer decides what else
// it needs: console_framer.h).
//
// Literals are cut to kMaxLiteral bytes (a prefix of a required literal is required too), so a
// literal that straddles two blocks is found by scanning each block together with the last
// lookback() bytes of the one before. A line that itself straddles blocks is always a candidate
// (line_reader.h), so a line's clauses are always checked on all of its bytes.
//
// A pattern with no required literal (it can match text made of anything, like "^\S+$") makes the
// scanner unavailable: Build says why, and every line is then a candidate. The database and the
// clause table come from the compiled-database cache like the matcher's (database_cache.h); the
// analysis and compile (about 40 ms for the shipped rules) run only on a miss.
#ifndef KDIAG_MATCH_CANDIDATE_SCANNER_H_
#define KDIAG_MATCH_CANDIDATE_SCANNER_H_

#include <hs/hs.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/input/sources/block_reader.h"
#include "analyzer/match/database_cache.h"

namespace kdiag {

// The clauses of `pattern` (lowercase literals): every text it matches holds, ignoring ASCII case,
// at least one literal of each. False when there is none: the pattern requires no literal, a
// literal holds a byte outside ASCII, or RE2 rejects it. The first *needed clauses make the
// pattern rare enough to scan for; the others would add literals to the scan, and Build checks
// one only when its literals are scanned for anyway (another pattern needs them).
bool RequiredClauses(const std::string& pattern, std::vector<std::vector<std::string>>* clauses,
                     size_t* needed);

class CandidateScanner {
 public:
  static constexpr size_t kMaxLiteral = 32;
  static constexpr size_t kMaxClauses = 3;

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
    std::vector<std::pair<uint32_t, uint32_t>> hits;  // (end, literal id) of the current scan
    std::vector<uint8_t> satisfied;                   // by group: clauses seen on the line
    std::vector<uint32_t> touched;                    // groups with bits to clear
  };

  ~CandidateScanner();
  CandidateScanner(const CandidateScanner&) = delete;
  CandidateScanner& operator=(const CandidateScanner&) = delete;

  // A scanner for `patterns` plus `extra` literals (any case: a line holding one is a candidate),
  // or null with *why_not saying which pattern has no required literal. `cache` may be null.
  static std::unique_ptr<CandidateScanner> Build(const std::vector<const std::string*>& patterns,
                                                 const std::vector<std::string>& extra,
                                                 const DatabaseCache* cache, std::string* why_not);

  // Bytes of the previous block to scan again in front of the next one.
  static constexpr size_t lookback() { return kMaxLiteral - 1; }

  std::unique_ptr<Scratch> NewScratch() const;

  // Scans `data` and appends, in increasing order, one offset (relative to data + skip) inside
  // every candidate line: its '\n', or the end of `data` for a last line without one. `skip` bytes
  // at the front are the previous block's tail (at most lookback()): literals ending there are
  // not counted. False when the scan failed (no scratch, a Vectorscan error): then nothing is
  // known and every line is a candidate.
  bool Scan(std::string_view data, size_t skip, Scratch* scratch,
            std::vector<uint32_t>* ends) const;

  // Scan with a scratch of its own, in the form line_reader.h takes (one per thread).
  BlockScan NewBlockScan() const;

  // Where the database came from (like Matcher::database_origin()).
  const std::string& origin() const { return origin_; }

 private:
  CandidateScanner() = default;
  // Fills uses_ and full_ from db_.table; false when the table is malformed, or is not for
  // `groups` groups and db_'s literal ids.
  bool ReadTable(size_t groups);

  // db_.table: for every literal, its count of uses, then each use as group << 2 | clause; then
  // for every group the bit mask of all its clauses. A group is a pattern or an extra literal.
  PrefilterDatabase db_;
  std::vector<std::vector<uint32_t>> uses_;  // by literal id: group << 2 | clause
  std::vector<uint8_t> full_;                // by group
  std::string origin_;
};

}  // namespace kdiag

#endif  // KDIAG_MATCH_CANDIDATE_SCANNER_H_
