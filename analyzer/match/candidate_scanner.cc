#include "analyzer/match/candidate_scanner.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include <re2/filtered_re2.h>
#include <re2/re2.h>

namespace kdiag {
namespace {

// Literals shorter than this are not worth scanning for (RE2 drops them from its analysis, which
// then treats that part of the pattern as matching anything).
constexpr int kMinLiteral = 3;
// Literals are first sought this long, then shorter down to kMinLiteral (RequiredClauses).
constexpr int kLongLiteral = 4;

// A clause whose literals all have at least this many bytes is selective enough on its own.
constexpr size_t kSelectiveLiteral = 10;

// Part of the cache key: a new derivation or layout must not reuse old entries.
constexpr char kKeyMarker[] = "kdiag candidate clauses v4";

// The clauses made of literals of at least `min_literal` bytes; *needed as RequiredClauses says.
bool ClausesOfLength(const std::string& pattern, int min_literal,
                     std::vector<std::vector<std::string>>* clauses, size_t* needed) {
  clauses->clear();
  *needed = 0;
  RE2::Options options;
  options.set_log_errors(false);
  re2::FilteredRE2 filter(min_literal);
  int id = 0;
  if (filter.Add(pattern, options, &id) != RE2::NoError) return false;
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  // Would a text holding exactly the `present` atoms get past the analysis (an AND/OR tree over
  // the atoms, monotone: more atoms never hurt)?
  auto passes = [&](const std::vector<bool>& present) {
    std::vector<int> ids, potentials;
    for (size_t i = 0; i < present.size(); ++i) {
      if (present[i]) ids.push_back(static_cast<int>(i));
    }
    filter.AllPotentials(ids, &potentials);
    return !potentials.empty();
  };
  // A set S of atoms is a clause when a text holding every other atom still cannot pass: then
  // every match holds one of S. Each clause starts as every atom no earlier clause used and drops
  // the shortest ones while it stays a clause, so it keeps the long, rare literals.
  std::vector<size_t> order(atoms.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return atoms[a].size() < atoms[b].size(); });
  std::vector<bool> used(atoms.size(), false);
  while (clauses->size() < CandidateScanner::kMaxClauses) {
    std::vector<bool> present = used;
    if (passes(present)) break;  // the earlier clauses' atoms are all it needs
    for (size_t a : order) {
      if (present[a]) continue;
      present[a] = true;
      if (passes(present)) present[a] = false;  // needed in this clause
    }
    std::vector<std::string> clause;
    bool ascii = true;
    for (size_t i = 0; i < atoms.size(); ++i) {
      if (present[i]) continue;
      used[i] = true;
      for (char c : atoms[i]) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
      clause.push_back(atoms[i]);
    }
    if (!ascii) break;  // Vectorscan folds ASCII case only; the clauses so far still hold
    size_t shortest = SIZE_MAX;
    for (const std::string& l : clause) shortest = std::min(shortest, l.size());
    clauses->push_back(std::move(clause));
    // A clause of long literals already makes the pattern rare; more clauses would only add
    // literals (often short, common words) that slow the scan of every byte down.
    if (*needed == 0 && shortest >= kSelectiveLiteral) *needed = clauses->size();
  }
  if (*needed == 0) *needed = clauses->size();
  return !clauses->empty();
}

}  // namespace

bool RequiredClauses(const std::string& pattern, std::vector<std::vector<std::string>>* clauses,
                     size_t* needed) {
  // Short literals are common words and slow the scan of every byte: take the longest minimum
  // length that still leaves the pattern a clause.
  for (int min_literal = kLongLiteral; min_literal >= kMinLiteral; --min_literal) {
    if (ClausesOfLength(pattern, min_literal, clauses, needed)) return true;
  }
  return false;
}

CandidateScanner::Scratch::~Scratch() {
  if (hs) hs_free_scratch(hs);
}

CandidateScanner::~CandidateScanner() = default;

std::unique_ptr<CandidateScanner> CandidateScanner::Build(
    const std::vector<const std::string*>& patterns, const std::vector<std::string>& extra,
    const DatabaseCache* cache, std::string* why_not) {
  // The key covers how the clauses are derived, not only the patterns.
  std::string marker = std::string(kKeyMarker) + " min " + std::to_string(kMinLiteral) + "-" +
                       std::to_string(kLongLiteral) + " max " + std::to_string(kMaxLiteral) +
                       " clauses " + std::to_string(kMaxClauses) + " selective " +
                       std::to_string(kSelectiveLiteral);
  std::vector<const char*> key_parts{marker.c_str()};
  for (const std::string* p : patterns) key_parts.push_back(p->c_str());
  key_parts.push_back("");  // patterns end, extra literals begin
  for (const std::string& x : extra) key_parts.push_back(x.c_str());
  Sha256::Digest key = DatabaseKey(key_parts, {}, {}, HS_MODE_BLOCK);
  if (cache && cache->dir().empty()) cache = nullptr;

  std::unique_ptr<CandidateScanner> scanner(new CandidateScanner);
  std::optional<std::string> miss = "no cache";
  if (cache) miss = cache->Load(key, patterns.size(), &scanner->db_);
  if (!miss && !scanner->db_.db) {
    *why_not = "a rule pattern has no required literal (cached)";
    return nullptr;
  }
  const size_t groups = patterns.size() + extra.size();
  if (!miss && scanner->ReadTable(groups)) {
    scanner->origin_ = "cache hit: " + cache->PathFor(key);
    return scanner;
  }
  if (!miss) {
    miss = "malformed table";
    scanner->db_ = PrefilterDatabase();  // frees the database loaded with it
  }

  // Literal ids in first-seen order; table parts per literal and per group.
  std::map<std::string, uint32_t> ids;
  std::vector<std::string> list;
  std::vector<std::vector<uint32_t>> uses;
  std::vector<uint32_t> full;
  auto add = [&](const std::string& literal, uint32_t group, uint32_t clause) {
    std::string cut = literal.substr(0, kMaxLiteral);
    auto [it, fresh] = ids.emplace(cut, static_cast<uint32_t>(list.size()));
    if (fresh) {
      list.push_back(cut);
      uses.emplace_back();
    }
    uses[it->second].push_back(group << 2 | clause);
  };
  // Every pattern's clauses; the literals of the clauses it needs are scanned for, and a further
  // clause is checked too when all its literals are among them: it filters for free.
  std::vector<std::vector<std::vector<std::string>>> clauses(patterns.size());
  std::vector<size_t> needed(patterns.size());
  std::set<std::string> scanned;
  for (const std::string& x : extra) scanned.insert(x.substr(0, kMaxLiteral));
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (!RequiredClauses(*patterns[i], &clauses[i], &needed[i])) {
      *why_not = "no required literal in pattern \"" + *patterns[i] + "\"";
      if (cache) {
        // Remember the verdict: every pattern "refused", no database.
        PrefilterDatabase none;
        none.expressions = static_cast<uint32_t>(patterns.size());
        for (unsigned id = 0; id < patterns.size(); ++id) none.always.push_back(id);
        cache->Store(key, none);
      }
      return nullptr;
    }
    for (size_t c = 0; c < needed[i]; ++c) {
      for (const std::string& l : clauses[i][c]) scanned.insert(l.substr(0, kMaxLiteral));
    }
  }
  for (size_t i = 0; i < patterns.size(); ++i) {
    auto group = static_cast<uint32_t>(full.size());
    uint32_t used = 0;
    for (size_t c = 0; c < clauses[i].size(); ++c) {
      bool free = std::all_of(
          clauses[i][c].begin(), clauses[i][c].end(),
          [&](const std::string& l) { return scanned.count(l.substr(0, kMaxLiteral)); });
      if (c >= needed[i] && !free) continue;
      for (const std::string& l : clauses[i][c]) add(l, group, used);
      ++used;
    }
    full.push_back((1u << used) - 1);
  }
  for (const std::string& x : extra) {
    add(x, static_cast<uint32_t>(full.size()), 0);
    full.push_back(1);
  }
  scanner->db_.expressions = static_cast<uint32_t>(patterns.size());
  scanner->db_.ids = static_cast<uint32_t>(list.size());
  std::vector<uint32_t>& table = scanner->db_.table;
  table = {static_cast<uint32_t>(list.size()), static_cast<uint32_t>(full.size())};
  for (const std::vector<uint32_t>& u : uses) {
    table.push_back(static_cast<uint32_t>(u.size()));
    table.insert(table.end(), u.begin(), u.end());
  }
  table.insert(table.end(), full.begin(), full.end());

  std::vector<const char*> exprs;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags(list.size(), HS_FLAG_CASELESS), hs_ids;
  for (unsigned i = 0; i < list.size(); ++i) {
    exprs.push_back(list[i].data());
    lengths.push_back(list[i].size());
    hs_ids.push_back(i);
  }
  hs_compile_error_t* err = nullptr;
  if (list.empty() ||
      hs_compile_lit_multi(exprs.data(), flags.data(), hs_ids.data(), lengths.data(),
                           static_cast<unsigned>(list.size()), HS_MODE_BLOCK, nullptr,
                           &scanner->db_.db, &err) != HS_SUCCESS) {
    *why_not = list.empty() ? "no literals" : std::string("Vectorscan: ") + err->message;
    if (err) hs_free_compile_error(err);
    return nullptr;
  }
  if (!scanner->ReadTable(groups)) {
    *why_not = "internal: clause table";
    return nullptr;
  }
  scanner->origin_ = std::string("compiled (") + (cache ? "cache miss: " : "") + *miss + ")";
  if (cache) {
    if (auto e = cache->Store(key, scanner->db_)) scanner->origin_ += " (not stored: " + *e + ")";
  }
  return scanner;
}

bool CandidateScanner::ReadTable(size_t groups_expected) {
  const std::vector<uint32_t>& t = db_.table;
  uses_.clear();
  full_.clear();
  // Every literal takes at least its count, every group its mask: bounds before any allocation
  // (a cache file is input too). A table of other rules has other groups, and its database other
  // literal ids.
  if (t.size() < 2 || t[0] > t.size() - 2 || t[1] == 0 || t[1] > t.size() - 2 - t[0] ||
      t[1] != groups_expected || db_.ids != t[0]) {
    return false;
  }
  uint32_t literals = t[0];
  uint32_t groups = t[1];
  size_t at = 2;
  uses_.resize(literals);
  for (std::vector<uint32_t>& u : uses_) {
    if (at >= t.size() || t[at] > t.size() - at - 1) return false;
    u.assign(t.begin() + static_cast<long>(at) + 1, t.begin() + static_cast<long>(at + 1 + t[at]));
    at += 1 + t[at];
    for (uint32_t use : u) {
      if ((use >> 2) >= groups || (use & 3) >= kMaxClauses) return false;
    }
  }
  if (t.size() - at != groups) return false;
  for (; at < t.size(); ++at) {
    if (t[at] == 0 || t[at] >= (1u << kMaxClauses)) return false;
    full_.push_back(static_cast<uint8_t>(t[at]));
  }
  return true;
}

std::unique_ptr<CandidateScanner::Scratch> CandidateScanner::NewScratch() const {
  std::unique_ptr<Scratch> s(new Scratch);
  if (hs_alloc_scratch(db_.db, &s->hs) != HS_SUCCESS) s->hs = nullptr;
  s->satisfied.assign(full_.size(), 0);
  return s;
}

namespace {

struct ScanState {
  size_t skip;
  std::vector<std::pair<uint32_t, uint32_t>>* hits;
};

int OnLiteral(unsigned id, unsigned long long /*from*/, unsigned long long to, unsigned /*flags*/,
              void* ctx) {
  auto* state = static_cast<ScanState*>(ctx);
  if (to > state->skip) state->hits->emplace_back(static_cast<uint32_t>(to), id);
  return 0;
}

}  // namespace

bool CandidateScanner::Scan(std::string_view data, size_t skip, Scratch* scratch,
                            std::vector<uint32_t>* ends) const {
  std::vector<std::pair<uint32_t, uint32_t>>& hits = scratch->hits;
  hits.clear();
  ScanState state{skip, &hits};
  if (!scratch->hs || hs_scan(db_.db, data.data(), static_cast<unsigned>(data.size()), 0,
                              scratch->hs, OnLiteral, &state) != HS_SUCCESS) {
    return false;
  }
  // Vectorscan reports in order of end offset; only the ends matter for grouping by line.
  auto by_end = [](const std::pair<uint32_t, uint32_t>& a, const std::pair<uint32_t, uint32_t>& b) {
    return a.first < b.first;
  };
  if (!std::is_sorted(hits.begin(), hits.end(), by_end)) {
    std::sort(hits.begin(), hits.end(), by_end);
  }
  // Hits come line by line: gather each line's, and see whether they satisfy every clause of
  // some group.
  const char* d = data.data();
  for (size_t i = 0; i < hits.size();) {
    size_t last = hits[i].first - 1;  // the literal's last byte
    const void* nl = std::memchr(d + last, '\n', data.size() - last);
    size_t line_end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - d) : data.size();
    bool candidate = false;
    for (; i < hits.size() && hits[i].first - 1 <= line_end; ++i) {
      if (candidate || hits[i].second >= uses_.size()) continue;
      for (uint32_t use : uses_[hits[i].second]) {
        uint32_t group = use >> 2;
        if (scratch->satisfied[group] == 0) scratch->touched.push_back(group);
        scratch->satisfied[group] |= static_cast<uint8_t>(1u << (use & 3));
        if (scratch->satisfied[group] == full_[group]) {
          candidate = true;
          break;
        }
      }
    }
    for (uint32_t group : scratch->touched) scratch->satisfied[group] = 0;
    scratch->touched.clear();
    if (candidate && line_end > skip) ends->push_back(static_cast<uint32_t>(line_end - skip));
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
