#include "analyzer/match/candidate_scanner.h"

#include <algorithm>
#include <set>

#include <re2/filtered_re2.h>
#include <re2/re2.h>

namespace kdiag {
namespace {

// Literals shorter than this are not worth scanning for (RE2 drops them from its analysis, which
// then treats that part of the pattern as matching anything).
constexpr int kMinLiteral = 3;

// Part of the cache key: a new derivation or layout must not reuse old entries.
constexpr char kKeyMarker[] = "kdiag candidate literals v1";

}  // namespace

bool RequiredLiterals(const std::string& pattern, std::vector<std::string>* literals) {
  RE2::Options options;
  options.set_log_errors(false);
  re2::FilteredRE2 filter(kMinLiteral);
  int id = 0;
  if (filter.Add(pattern, options, &id) != RE2::NoError) return false;
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  // Which of the atoms, if present, let the pattern through? With none present the pattern must
  // be filtered out, or nothing is required.
  auto passes = [&](const std::vector<bool>& present) {
    std::vector<int> ids, potentials;
    for (size_t i = 0; i < present.size(); ++i) {
      if (present[i]) ids.push_back(static_cast<int>(i));
    }
    filter.AllPotentials(ids, &potentials);
    return !potentials.empty();
  };
  std::vector<bool> present(atoms.size(), false);
  if (passes(present)) return false;
  // The analysis is an AND/OR tree over the atoms. A set S is required when text holding every
  // atom except those in S cannot pass. Start from all atoms and drop the shortest ones while
  // that holds: what remains is a minimal required set that keeps the long, rare literals.
  std::vector<size_t> order(atoms.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return atoms[a].size() < atoms[b].size(); });
  for (size_t a : order) {
    present[a] = true;  // no longer required: assume it present
    if (passes(present)) present[a] = false;
  }
  literals->clear();
  for (size_t i = 0; i < atoms.size(); ++i) {
    if (present[i]) continue;
    for (char c : atoms[i]) {
      if (static_cast<unsigned char>(c) >= 0x80) return false;  // Vectorscan folds ASCII only
    }
    literals->push_back(atoms[i]);
  }
  return !literals->empty();
}

CandidateScanner::Scratch::~Scratch() {
  if (hs) hs_free_scratch(hs);
}

CandidateScanner::~CandidateScanner() = default;

std::unique_ptr<CandidateScanner> CandidateScanner::Build(
    const std::vector<const std::string*>& patterns, const std::vector<std::string>& extra,
    const DatabaseCache* cache, std::string* why_not) {
  std::vector<const char*> key_parts{kKeyMarker};
  for (const std::string* p : patterns) key_parts.push_back(p->c_str());
  key_parts.push_back("");  // patterns end, extra literals begin
  for (const std::string& x : extra) key_parts.push_back(x.c_str());
  Sha256::Digest key = DatabaseKey(key_parts, {}, {}, HS_MODE_BLOCK);
  if (cache && cache->dir().empty()) cache = nullptr;

  std::unique_ptr<CandidateScanner> scanner(new CandidateScanner);
  std::optional<std::string> miss = "no cache";
  if (cache) miss = cache->Load(key, patterns.size(), &scanner->db_);
  if (!miss) {
    if (!scanner->db_.db) {
      *why_not = "a rule pattern has no required literal (cached)";
      return nullptr;
    }
    scanner->origin_ = "cache hit: " + cache->PathFor(key);
  } else {
    std::set<std::string> all;
    std::vector<std::string> literals;
    for (size_t i = 0; i < patterns.size(); ++i) {
      if (!RequiredLiterals(*patterns[i], &literals)) {
        *why_not = "no required literal in pattern \"" + *patterns[i] + "\"";
        if (cache) {
          // Remember the verdict: every pattern "refused", no database.
          PrefilterDatabase none;
          for (unsigned id = 0; id < patterns.size(); ++id) none.always.push_back(id);
          cache->Store(key, none);
        }
        return nullptr;
      }
      for (const std::string& l : literals) all.insert(l.substr(0, kMaxLiteral));
    }
    for (const std::string& x : extra) all.insert(x.substr(0, kMaxLiteral));
    std::vector<std::string> list(all.begin(), all.end());
    std::vector<const char*> exprs;
    std::vector<size_t> lengths;
    std::vector<unsigned> flags(list.size(), HS_FLAG_CASELESS), ids;
    for (unsigned i = 0; i < list.size(); ++i) {
      exprs.push_back(list[i].data());
      lengths.push_back(list[i].size());
      ids.push_back(i);
    }
    hs_compile_error_t* err = nullptr;
    if (list.empty() || hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lengths.data(),
                                             static_cast<unsigned>(list.size()), HS_MODE_BLOCK,
                                             nullptr, &scanner->db_.db, &err) != HS_SUCCESS) {
      *why_not = list.empty() ? "no literals" : std::string("Vectorscan: ") + err->message;
      if (err) hs_free_compile_error(err);
      return nullptr;
    }
    scanner->origin_ = std::string("compiled (") + (cache ? "cache miss: " : "") + *miss + ")";
    if (cache) {
      if (auto e = cache->Store(key, scanner->db_)) scanner->origin_ += " (not stored: " + *e + ")";
    }
  }
  return scanner;
}

std::unique_ptr<CandidateScanner::Scratch> CandidateScanner::NewScratch() const {
  std::unique_ptr<Scratch> s(new Scratch);
  if (hs_alloc_scratch(db_.db, &s->hs) != HS_SUCCESS) s->hs = nullptr;
  return s;
}

namespace {

struct ScanState {
  size_t skip;
  std::vector<uint32_t>* ends;
};

int OnLiteral(unsigned /*id*/, unsigned long long /*from*/, unsigned long long to,
              unsigned /*flags*/, void* ctx) {
  auto* state = static_cast<ScanState*>(ctx);
  if (to > state->skip) state->ends->push_back(static_cast<uint32_t>(to - state->skip));
  return 0;
}

}  // namespace

bool CandidateScanner::Scan(std::string_view data, size_t skip, Scratch* scratch,
                            std::vector<uint32_t>* ends) const {
  size_t first = ends->size();
  ScanState state{skip, ends};
  bool ok = scratch->hs && hs_scan(db_.db, data.data(), static_cast<unsigned>(data.size()), 0,
                                   scratch->hs, OnLiteral, &state) == HS_SUCCESS;
  if (!ok) {
    ends->resize(first);
    return false;
  }
  if (!std::is_sorted(ends->begin() + static_cast<long>(first), ends->end())) {
    std::sort(ends->begin() + static_cast<long>(first), ends->end());
  }
  return true;
}

BlockScan CandidateScanner::NewBlockScan() const {
  std::shared_ptr<Scratch> scratch = NewScratch();
  return [this, scratch](std::string_view data, size_t skip, std::vector<uint32_t>* ends) {
    return Scan(data, skip, scratch.get(), ends);
  };
}

}  // namespace kdiag
