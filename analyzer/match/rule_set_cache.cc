#include "analyzer/match/rule_set_cache.h"

#include <cstdint>
#include <utility>

#include "analyzer/match/embedded_rules.h"
#include "analyzer/match/rule_file.h"

namespace kdiag {
namespace {

// Body layout (integers little-endian): the format name as a string, u32 rule count, then each rule
// as Writer puts it below. A string is u32 length and bytes; a list is u32 count and elements; an
// optional part is a byte 0 or 1 and then the part. Bumping the name below is never needed for
// correctness (this file is part of the key), but says in an entry which layout it holds.
constexpr std::string_view kFormat = "kdiag rule set 1";

// Limits of the decoder, far above any real rule set (the shipped one has a few hundred rules,
// its longest string a few kilobytes), so that a forged count cannot make it allocate much.
constexpr uint32_t kMaxRules = 100000;
constexpr uint32_t kMaxList = 100000;
constexpr uint32_t kMaxString = 1 << 20;

class Writer {
 public:
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  void Bool(bool b) { out_.push_back(b ? 1 : 0); }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void Strs(const std::vector<std::string>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const std::string& s : v) Str(s);
  }
  void FieldList(const Fields& fields) {
    U32(static_cast<uint32_t>(fields.size()));
    for (const auto& f : fields) {
      Str(f.first);
      Str(f.second);
    }
  }
  void Where(const Location& l) {
    Str(l.name);
    U64(l.line);
    U32(l.column);
  }
  void Window(uint64_t lines, int64_t max_us) {
    U64(lines);
    U64(static_cast<uint64_t>(max_us));
  }

  void PutRule(const Rule& r) {
    Str(r.id);
    Str(SeverityName(r.severity));
    Str(r.source ? SourceName(*r.source) : "any");
    Strs(r.patterns);
    Str(r.summary);
    Str(r.advice);
    Str(r.severity_reason);
    Str(r.remedy);
    Bool(r.fact);
    Bool(r.guest_evidence);
    Bool(r.finding_alone);
    Bool(r.ends_boot);
    Bool(r.synthetic);
    Strs(r.key);
    Str(r.continuation);
    U32(static_cast<uint32_t>(r.continuation_lines));
    Strs(r.exclude);
    Bool(r.crash.has_value());
    if (r.crash) {
      const CrashSpec& c = *r.crash;
      Str(c.type);
      Str(c.title);
      Strs(c.frames);
      Str(c.start);
      Str(c.skip);
      Strs(c.capture);
      Strs(c.absorbs);
      Strs(c.yields);
      Str(c.end);
      Bool(c.secondary);
      Str(c.incomplete);
      Bool(c.interleaves);
    }
    U32(static_cast<uint32_t>(r.merges.size()));
    for (const MergeSpec& m : r.merges) {
      Str(m.other);
      Bool(m.other_first);
      Strs(m.fields);
      FieldList(m.other_values);
      Window(m.lines, m.max_us);
      Where(m.where);
    }
    U32(static_cast<uint32_t>(r.settles.size()));
    for (const SettleSpec& s : r.settles) {
      Str(s.by);
      Strs(s.fields);
      Window(s.lines, s.max_us);
      Where(s.where);
    }
    Bool(r.threshold.has_value());
    if (r.threshold) {
      U64(r.threshold->count);
      Window(r.threshold->lines, r.threshold->max_us);
      Where(r.threshold->where);
    }
    U32(static_cast<uint32_t>(r.explains.size()));
    for (const ExplainSpec& e : r.explains) {
      Str(e.effect);
      Strs(e.fields);
      Str(e.device_cause);
      Str(e.device_effect);
      Window(e.lines, e.max_us);
      Where(e.where);
    }
    Bool(r.part_of.has_value());
    if (r.part_of) {
      Str(r.part_of->part);
      Str(r.part_of->whole);
      Where(r.part_of->where);
    }
    U32(static_cast<uint32_t>(r.examples.size()));
    for (const RuleExample& e : r.examples) {
      Str(e.line);
      FieldList(e.fields);
      Strs(e.continuation);
      Str(e.title);
      Where(e.where);
    }
    Strs(r.counter_examples);
    Where(r.where);
  }

  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what Writer wrote, failing (never crashing, never allocating beyond the input's size) at
// the first thing that does not fit; once failed, every read fails.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == s_.size(); }
  const std::string& why() const { return why_; }

  bool Fail(std::string why) {
    if (ok_) why_ = std::move(why);
    ok_ = false;
    return false;
  }

  bool U32(uint32_t* v) { return Take(4, v); }
  bool U64(uint64_t* v) { return Take(8, v); }
  bool Bool(bool* b) {
    uint8_t v = 0;
    if (!Take(1, &v)) return false;
    if (v > 1) return Fail("a boolean is neither 0 nor 1");
    *b = v == 1;
    return true;
  }
  bool Str(std::string* out) {
    uint32_t n = 0;
    if (!U32(&n)) return false;
    if (n > kMaxString || n > s_.size() - pos_) return Fail("a string is longer than the entry");
    out->assign(s_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  // A count of elements that each take at least `min_bytes` of what is left.
  bool Count(uint32_t limit, size_t min_bytes, uint32_t* n) {
    if (!U32(n)) return false;
    if (*n > limit || *n > (s_.size() - pos_) / min_bytes) return Fail("a count is too large");
    return true;
  }
  bool Strs(std::vector<std::string>* v) {
    uint32_t n = 0;
    if (!Count(kMaxList, 4, &n)) return false;
    v->resize(n);
    for (std::string& s : *v) {
      if (!Str(&s)) return false;
    }
    return true;
  }
  bool FieldList(Fields* fields) {
    uint32_t n = 0;
    if (!Count(kMaxList, 8, &n)) return false;
    fields->resize(n);
    for (auto& f : *fields) {
      if (!Str(&f.first) || !Str(&f.second)) return false;
    }
    return true;
  }
  bool Where(Location* l) {
    uint64_t line = 0;
    uint32_t column = 0;
    if (!Str(&l->name) || !U64(&line) || !U32(&column)) return false;
    l->line = line;
    l->column = column;
    return true;
  }
  bool Window(uint64_t* lines, int64_t* max_us) {
    uint64_t us = 0;
    if (!U64(lines) || !U64(&us)) return false;
    *max_us = static_cast<int64_t>(us);
    return true;
  }

  bool GetRule(Rule* r) {
    std::string severity, source;
    if (!Str(&r->id) || !Str(&severity) || !Str(&source)) return false;
    if (!ParseSeverity(severity, &r->severity)) return Fail("an unknown severity");
    if (source != "any") {
      Source s;
      if (!ParseSource(source, &s)) return Fail("an unknown source");
      r->source = s;
    }
    uint32_t continuation_lines = 0;
    bool has_crash = false;
    if (!Strs(&r->patterns) || !Str(&r->summary) || !Str(&r->advice) || !Str(&r->severity_reason) ||
        !Str(&r->remedy) || !Bool(&r->fact) || !Bool(&r->guest_evidence) ||
        !Bool(&r->finding_alone) || !Bool(&r->ends_boot) || !Bool(&r->synthetic) ||
        !Strs(&r->key) || !Str(&r->continuation) || !U32(&continuation_lines) ||
        !Strs(&r->exclude) || !Bool(&has_crash)) {
      return false;
    }
    if (continuation_lines > 64) return Fail("continuation_lines out of range");
    r->continuation_lines = static_cast<int>(continuation_lines);
    if (has_crash) {
      CrashSpec c;
      if (!Str(&c.type) || !Str(&c.title) || !Strs(&c.frames) || !Str(&c.start) || !Str(&c.skip) ||
          !Strs(&c.capture) || !Strs(&c.absorbs) || !Strs(&c.yields) || !Str(&c.end) ||
          !Bool(&c.secondary) || !Str(&c.incomplete) || !Bool(&c.interleaves)) {
        return false;
      }
      r->crash = std::move(c);
    }
    uint32_t n = 0;
    if (!Count(kMaxList, 4, &n)) return false;
    r->merges.resize(n);
    for (MergeSpec& m : r->merges) {
      if (!Str(&m.other) || !Bool(&m.other_first) || !Strs(&m.fields) ||
          !FieldList(&m.other_values) || !Window(&m.lines, &m.max_us) || !Where(&m.where)) {
        return false;
      }
    }
    if (!Count(kMaxList, 4, &n)) return false;
    r->settles.resize(n);
    for (SettleSpec& s : r->settles) {
      if (!Str(&s.by) || !Strs(&s.fields) || !Window(&s.lines, &s.max_us) || !Where(&s.where)) {
        return false;
      }
    }
    bool has_threshold = false;
    if (!Bool(&has_threshold)) return false;
    if (has_threshold) {
      ThresholdSpec t;
      if (!U64(&t.count) || !Window(&t.lines, &t.max_us) || !Where(&t.where)) return false;
      r->threshold = t;
    }
    if (!Count(kMaxList, 4, &n)) return false;
    r->explains.resize(n);
    for (ExplainSpec& e : r->explains) {
      if (!Str(&e.effect) || !Strs(&e.fields) || !Str(&e.device_cause) || !Str(&e.device_effect) ||
          !Window(&e.lines, &e.max_us) || !Where(&e.where)) {
        return false;
      }
    }
    bool has_part_of = false;
    if (!Bool(&has_part_of)) return false;
    if (has_part_of) {
      PartOfSpec p;
      if (!Str(&p.part) || !Str(&p.whole) || !Where(&p.where)) return false;
      r->part_of = std::move(p);
    }
    if (!Count(kMaxList, 4, &n)) return false;
    r->examples.resize(n);
    for (RuleExample& e : r->examples) {
      if (!Str(&e.line) || !FieldList(&e.fields) || !Strs(&e.continuation) || !Str(&e.title) ||
          !Where(&e.where)) {
        return false;
      }
    }
    return Strs(&r->counter_examples) && Where(&r->where);
  }

 private:
  template <typename T>
  bool Take(size_t n, T* v) {
    if (!ok_) return false;
    if (s_.size() - pos_ < n) return Fail("truncated");
    *v = 0;
    for (size_t i = 0; i < n; ++i) {
      *v |= static_cast<T>(static_cast<unsigned char>(s_[pos_ + i])) << (8 * i);
    }
    pos_ += n;
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::string why_;
};

bool ValidWindow(uint64_t lines, int64_t max_us) {
  // rule_file.cc: lines 1..100000; seconds in (0, 86400], or none (-1).
  return lines >= 1 && lines <= 100000 && (max_us == -1 || (max_us > 0 && max_us <= 86400000000));
}

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

std::string EncodeRules(const std::vector<Rule>& rules) {
  Writer w;
  w.Str(kFormat);
  w.U32(static_cast<uint32_t>(rules.size()));
  for (const Rule& r : rules) w.PutRule(r);
  return w.Take();
}

std::optional<std::string> DecodeRules(std::string_view bytes, std::vector<Rule>* rules) {
  rules->clear();
  Reader in(bytes);
  std::string format;
  uint32_t n = 0;
  if (!in.Str(&format)) return "not a rule set: " + in.why();
  if (format != kFormat) return "another format ('" + format + "')";
  // A rule takes far more than 64 bytes; the bound only keeps the reserve below the input's size.
  if (!in.Count(kMaxRules, 64, &n)) return in.why();
  rules->reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Rule r;
    if (!in.GetRule(&r)) {
      rules->clear();
      return "rule " + std::to_string(i) + ": " + in.why();
    }
    if (auto bad = CheckRuleValues(r)) {
      rules->clear();
      return "rule " + std::to_string(i) + ": " + *bad;
    }
    rules->push_back(std::move(r));
  }
  if (!in.at_end()) {
    rules->clear();
    return "bytes after the last rule";
  }
  if (auto err = CheckDuplicateIds(*rules)) {
    rules->clear();
    return err->message;
  }
  return std::nullopt;
}

std::optional<std::string> CheckRuleValues(const Rule& r) {
  if (r.id.empty() ||
      r.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string::npos) {
    return "rule id '" + r.id + "' must be [a-z0-9_.-]+";
  }
  if (r.patterns.empty()) return "'pattern' must not be empty";
  if (!r.remedy.empty() && r.remedy != "pci-quirk" && r.remedy != "pte-decode") {
    return "remedy must be pci-quirk or pte-decode";
  }
  if (r.continuation.empty() ? r.continuation_lines != 0
                             : r.continuation_lines < 1 || r.continuation_lines > 64) {
    return "'continuation_lines' must be 1..64 and needs 'continuation'";
  }
  if (r.crash) {
    const CrashSpec& c = *r.crash;
    if (c.type.empty() || c.title.empty()) return "crash 'type' and 'title' must be set";
    if (c.frames.empty()) return "crash 'frames' must not be empty";
    for (const std::string& src : c.frames) {
      if (src == "rip" || src == "stack" || src == "stall" || StartsWith(src, "field:") ||
          StartsWith(src, "line:") || StartsWith(src, "after:") || StartsWith(src, "anchor:")) {
        continue;
      }
      return "unknown frames entry '" + src + "'";
    }
  }
  for (const MergeSpec& m : r.merges) {
    if (m.other.empty() || m.other == r.id) return "a merge must name another rule";
    if (!ValidWindow(m.lines, m.max_us)) return "merge window out of range";
  }
  for (const SettleSpec& s : r.settles) {
    if (s.by.empty() || s.by == r.id) return "a settle must name another rule";
    if (!ValidWindow(s.lines, s.max_us)) return "settle window out of range";
  }
  if (r.threshold) {
    if (r.threshold->count < 2 || r.threshold->count > 1000) return "threshold 'count' not 2..1000";
    if (!ValidWindow(r.threshold->lines, r.threshold->max_us)) {
      return "threshold window out of range";
    }
  }
  if (r.examples.empty()) return "rule '" + r.id + "' needs at least one [[rule.example]]";
  for (const RuleExample& e : r.examples) {
    if (!e.continuation.empty() && r.continuation.empty() && !r.crash) {
      return "example has continuation lines but the rule has no 'continuation'";
    }
    if (!e.title.empty() && !r.crash) return "example has a title but the rule has no [rule.crash]";
  }
  return std::nullopt;
}

Sha256::Digest EmbeddedRuleSetKey() {
  std::string bytes(kFormat);
  bytes += '\n';
  bytes += EmbeddedRulesDigest();
  return Sha256::Of(bytes);
}

std::optional<Error> LoadEmbeddedRulesCached(const DatabaseCache& cache, std::vector<Rule>* rules,
                                             std::string* origin, CaptureChecks* captures) {
  if (captures) *captures = CaptureChecks::kCompile;
  std::string note;
  if (cache.dir().empty()) {
    note = "parsed (no cache)";
  } else {
    Sha256::Digest key = EmbeddedRuleSetKey();
    std::string body;
    std::optional<std::string> miss = cache.LoadRuleSet(key, &body);
    std::vector<Rule> decoded;
    if (!miss) {
      if (auto bad = DecodeRules(body, &decoded)) miss = cache.RuleSetPathFor(key) + ": " + *bad;
    }
    if (!miss) {
      if (origin) *origin = "cache hit: " + cache.RuleSetPathFor(key);
      if (captures) *captures = CaptureChecks::kSkip;
      rules->insert(rules->end(), std::make_move_iterator(decoded.begin()),
                    std::make_move_iterator(decoded.end()));
      return std::nullopt;
    }
    std::vector<Rule> parsed;
    if (auto err = LoadEmbeddedRules(&parsed, PatternChecks::kTrusted)) return err;
    note = "parsed (cache miss: " + *miss + ")";
    // Only a rule set that passes the whole check is stored (see *captures above); one that does
    // not is returned for the caller's CheckUniqueIds to refuse.
    if (auto err = CheckUniqueIds(parsed)) {
      note += " (not stored: " + err->ToString() + ")";
    } else if (auto why = cache.StoreRuleSet(key, EncodeRules(parsed))) {
      note += " (not stored: " + *why + ")";
    }
    if (origin) *origin = std::move(note);
    rules->insert(rules->end(), std::make_move_iterator(parsed.begin()),
                  std::make_move_iterator(parsed.end()));
    return std::nullopt;
  }
  if (origin) *origin = std::move(note);
  return LoadEmbeddedRules(rules, PatternChecks::kTrusted);
}

}  // namespace kdiag
