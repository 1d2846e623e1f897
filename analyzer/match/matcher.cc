#include "analyzer/match/matcher.h"

#include <hs/hs.h>

#include <algorithm>
#include <map>

#include <re2/re2.h>

namespace kdiag {

struct Matcher::Impl {
  struct Variant {
    size_t rule;
    const std::string* pattern;            // in rules_, which never changes after Build
    std::unique_ptr<RE2> re;               // compiled when first a candidate
    std::vector<std::string> group_names;  // by group index; "" for unnamed groups
  };
  // A rule's `continuation` and `exclude` patterns, compiled on the rule's first use like the
  // variants (compiling the shipped rules' 40 up front was 7.2 M instructions of a warm start).
  // A pattern RE2 rejects (rule_file.h rejects them first) matches nothing.
  struct Links {
    bool compiled = false;
    std::unique_ptr<RE2> continuation;  // null when the rule has none
    std::vector<std::unique_ptr<RE2>> exclude;
  };
  std::vector<Variant> variants;
  std::vector<Links> links;     // by rule
  PrefilterDatabase prefilter;  // ids are variant indexes
  hs_scratch_t* scratch = nullptr;
  std::vector<unsigned> hits;  // variant ids reported for the current record

  ~Impl() {
    if (scratch) hs_free_scratch(scratch);
  }

  // The variant with its RE2. RE2 is compiled on first use: most variants are never a candidate
  // in a run, and compiling hundreds of them up front was a large share of a cached start-up.
  const Variant& Compiled(unsigned id);
  const Links& LinksOf(size_t rule_index, const Rule& rule);
};

Matcher::Matcher() : impl_(new Impl) {}
Matcher::~Matcher() = default;

namespace {

RE2::Options Re2Options() {
  RE2::Options opt;
  opt.set_log_errors(false);
  return opt;
}

// Compiles the prefilter database; an expression Vectorscan refuses becomes an always-candidate
// and the rest are compiled again without it.
PrefilterDatabase CompilePrefilter(const std::vector<const char*>& expressions,
                                   const std::vector<unsigned>& flags, unsigned mode) {
  PrefilterDatabase out;
  out.expressions = out.ids = static_cast<uint32_t>(expressions.size());
  std::vector<unsigned> ids;
  for (unsigned i = 0; i < expressions.size(); ++i) ids.push_back(i);
  while (!ids.empty()) {
    std::vector<const char*> exprs;
    std::vector<unsigned> id_flags;
    for (unsigned id : ids) {
      exprs.push_back(expressions[id]);
      id_flags.push_back(flags[id]);
    }
    hs_compile_error_t* err = nullptr;
    hs_database_t* db = nullptr;
    if (hs_compile_multi(exprs.data(), id_flags.data(), ids.data(),
                         static_cast<unsigned>(ids.size()), mode, nullptr, &db,
                         &err) == HS_SUCCESS) {
      out.db = db;
      break;
    }
    int bad = err->expression;
    hs_free_compile_error(err);
    if (bad < 0) {
      // Not one pattern's fault (e.g. the database is too large): fall back to RE2 for all.
      out.always.insert(out.always.end(), ids.begin(), ids.end());
      break;
    }
    out.always.push_back(ids[bad]);
    ids.erase(ids.begin() + bad);
  }
  std::sort(out.always.begin(), out.always.end());
  return out;
}

}  // namespace

const Matcher::Impl::Variant& Matcher::Impl::Compiled(unsigned id) {
  Variant& v = variants[id];
  if (!v.re) {
    v.re = std::make_unique<RE2>(*v.pattern, Re2Options());
    // A pattern RE2 rejects (rule_file.h rejects them first) has -1 groups and matches nothing.
    v.group_names.resize(static_cast<size_t>(std::max(v.re->NumberOfCapturingGroups(), 0)) + 1);
    for (const auto& [index, name] : v.re->CapturingGroupNames()) v.group_names[index] = name;
  }
  return v;
}

const Matcher::Impl::Links& Matcher::Impl::LinksOf(size_t rule_index, const Rule& rule) {
  Links& l = links[rule_index];
  if (!l.compiled) {
    if (!rule.continuation.empty())
      l.continuation = std::make_unique<RE2>(rule.continuation, Re2Options());
    for (const std::string& x : rule.exclude)
      l.exclude.push_back(std::make_unique<RE2>(x, Re2Options()));
    l.compiled = true;
  }
  return l;
}

std::optional<Error> Matcher::Build(std::vector<Rule> rules, std::unique_ptr<Matcher>* out) {
  DatabaseCache cache = DatabaseCache::FromEnvironment();
  return Build(std::move(rules), &cache, out);
}

std::optional<Error> Matcher::Build(std::vector<Rule> rules, const DatabaseCache* cache,
                                    std::unique_ptr<Matcher>* out) {
  std::unique_ptr<Matcher> m(new Matcher);
  m->rules_ = std::move(rules);
  Impl& impl = *m->impl_;
  for (size_t r = 0; r < m->rules_.size(); ++r) {
    const Rule& rule = m->rules_[r];
    for (const std::string& p : rule.patterns) impl.variants.push_back({r, &p, nullptr, {}});
  }
  impl.links.resize(m->rules_.size());

  std::vector<const char*> exprs;
  for (const Impl::Variant& v : impl.variants) exprs.push_back(v.pattern->c_str());
  std::vector<unsigned> flags(exprs.size(),
                              HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH | HS_FLAG_DOTALL);
  std::vector<unsigned> ids;
  for (unsigned i = 0; i < exprs.size(); ++i) ids.push_back(i);
  Sha256::Digest key = DatabaseKey(exprs, flags, ids, HS_MODE_BLOCK);
  if (cache && cache->dir().empty()) cache = nullptr;
  if (cache) m->cache_ = *cache;
  std::optional<std::string> miss = "no cache";
  if (cache) miss = cache->Load(key, exprs.size(), &impl.prefilter);
  if (!miss && (impl.prefilter.ids != exprs.size() || !impl.prefilter.table.empty())) {
    // The ids of the database must be these variants' indexes, and the matcher keeps no table.
    miss = cache->PathFor(key) + ": reports ids up to " + std::to_string(impl.prefilter.ids) +
           " for " + std::to_string(exprs.size()) + " patterns";
    impl.prefilter = PrefilterDatabase();
  }
  if (!miss) {
    m->origin_ = "cache hit: " + cache->PathFor(key);
  } else {
    impl.prefilter = CompilePrefilter(exprs, flags, HS_MODE_BLOCK);
    m->origin_ = std::string("compiled (") + (cache ? "cache miss: " : "") + *miss + ")";
    if (cache) {
      if (auto err = cache->Store(key, impl.prefilter)) m->origin_ += " (not stored: " + *err + ")";
    }
  }
  m->always_.assign(impl.prefilter.always.begin(), impl.prefilter.always.end());
  if (impl.prefilter.db && hs_alloc_scratch(impl.prefilter.db, &impl.scratch) != HS_SUCCESS) {
    return Error{Location{"rules", 0, 0}, "cannot allocate Vectorscan scratch space"};
  }
  *out = std::move(m);
  return std::nullopt;
}

namespace {

int OnHit(unsigned id, unsigned long long /*from*/, unsigned long long /*to*/, unsigned /*flags*/,
          void* ctx) {
  static_cast<std::vector<unsigned>*>(ctx)->push_back(id);
  return 0;
}

}  // namespace

void Matcher::Match(const Record& record, std::vector<RuleMatch>* out) {
  Impl& impl = *impl_;
  impl.hits.clear();
  if (impl.prefilter.db) {
    // Texts are bounded by the line reader; a scan error only loses the prefilter's help.
    hs_scan(impl.prefilter.db, record.text.data(), static_cast<unsigned>(record.text.size()), 0,
            impl.scratch, OnHit, &impl.hits);
  }
  if (impl.hits.empty() && always_.empty()) return;
  impl.hits.insert(impl.hits.end(), always_.begin(), always_.end());
  std::sort(impl.hits.begin(), impl.hits.end());
  impl.hits.erase(std::unique(impl.hits.begin(), impl.hits.end()), impl.hits.end());

  re2::StringPiece text(record.text.data(), record.text.size());
  std::vector<re2::StringPiece> groups;
  size_t last_rule = SIZE_MAX;
  for (unsigned id : impl.hits) {
    // The loader checked the database's id range; a database that lies about it still never
    // makes the matcher read past its variants.
    if (id >= impl.variants.size()) break;  // sorted: every id after this one is out of range too
    size_t r = impl.variants[id].rule;
    if (r == last_rule) continue;  // an earlier variant of this rule already matched
    const Rule& rule = rules_[r];
    if (rule.source && *rule.source != record.source) continue;
    if (rule.synthetic != record.synthetic) continue;
    const Impl::Variant& v = impl.Compiled(id);
    groups.assign(v.group_names.size(), re2::StringPiece());
    if (!v.re->Match(text, 0, text.size(), RE2::UNANCHORED, groups.data(),
                     static_cast<int>(groups.size()))) {
      continue;
    }
    if (Excluded(v.rule, text)) continue;
    RuleMatch match;
    match.rule = &rule;
    for (size_t g = 1; g < groups.size(); ++g) {
      if (v.group_names[g].empty() || groups[g].empty()) continue;
      match.fields.emplace_back(v.group_names[g], std::string(groups[g].data(), groups[g].size()));
    }
    out->push_back(std::move(match));
    last_rule = v.rule;
  }
}

const CandidateScanner* Matcher::Scanner(const std::vector<std::string>& extra) {
  if (scanner_extra_ && *scanner_extra_ == extra) return scanner_.get();
  std::vector<const std::string*> patterns;
  for (const Impl::Variant& v : impl_->variants) patterns.push_back(v.pattern);
  std::string why_not;
  scanner_ = CandidateScanner::Build(patterns, extra, &cache_, &why_not);
  scanner_extra_ = extra;
  scanner_note_ = scanner_ ? scanner_->origin() : why_not;
  return scanner_.get();
}

bool Matcher::Excluded(size_t rule, std::string_view text) const {
  for (const auto& re : impl_->LinksOf(rule, rules_[rule]).exclude) {
    if (RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re)) return true;
  }
  return false;
}

bool Matcher::Continues(const Rule& rule, const Record& record) const {
  size_t index = static_cast<size_t>(&rule - rules_.data());
  if (index >= rules_.size()) return false;  // not one of this matcher's rules
  const RE2* re = impl_->LinksOf(index, rules_[index]).continuation.get();
  return re && RE2::PartialMatch(record.text, *re);
}

}  // namespace kdiag
