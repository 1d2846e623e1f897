// The rule set in the compiled-rules cache (rule_set_cache.h): what is decoded is what was parsed,
// a warm start reads the same rules as a cold one, and a damaged or forged entry is a miss.
#include "analyzer/match/rule_set_cache.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "analyzer/match/entry_checksum.h"
#include "analyzer/match/rule_file.h"
#include "tests/run_kdiag.h"

namespace kdiag {
namespace {

using testing::ReadFile;
using testing::RunKdiag;
using testing::TempDir;
using testing::WriteFile;

std::vector<Rule> Parsed() {
  std::vector<Rule> rules;
  EXPECT_FALSE(LoadEmbeddedRules(&rules, PatternChecks::kTrusted));
  return rules;
}

void ExpectSameWhere(const Location& a, const Location& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.line, b.line);
  EXPECT_EQ(a.column, b.column);
}

// Every field, written out: a field the encoder forgot fails here, not in some later output.
void ExpectSameRule(const Rule& a, const Rule& b) {
  SCOPED_TRACE(a.id);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.patterns, b.patterns);
  EXPECT_EQ(a.summary, b.summary);
  EXPECT_EQ(a.advice, b.advice);
  EXPECT_EQ(a.remedy, b.remedy);
  EXPECT_EQ(a.fact, b.fact);
  EXPECT_EQ(a.guest_evidence, b.guest_evidence);
  // The keys added by [[rule.explain]], [rule.part_of] and the crash keys merged after the cache.
  EXPECT_EQ(a.severity_reason, b.severity_reason);
  EXPECT_EQ(a.finding_alone, b.finding_alone);
  EXPECT_EQ(a.ends_boot, b.ends_boot);
  EXPECT_EQ(a.synthetic, b.synthetic);
  ASSERT_EQ(a.explains.size(), b.explains.size());
  for (size_t i = 0; i < a.explains.size(); ++i) {
    EXPECT_EQ(a.explains[i].effect, b.explains[i].effect);
    EXPECT_EQ(a.explains[i].fields, b.explains[i].fields);
    EXPECT_EQ(a.explains[i].device_cause, b.explains[i].device_cause);
    EXPECT_EQ(a.explains[i].device_effect, b.explains[i].device_effect);
    EXPECT_EQ(a.explains[i].lines, b.explains[i].lines);
    EXPECT_EQ(a.explains[i].max_us, b.explains[i].max_us);
  }
  ASSERT_EQ(a.part_of.has_value(), b.part_of.has_value());
  if (a.part_of) {
    EXPECT_EQ(a.part_of->part, b.part_of->part);
    EXPECT_EQ(a.part_of->whole, b.part_of->whole);
  }
  ASSERT_EQ(a.crash.has_value(), b.crash.has_value());
  if (a.crash) {
    EXPECT_EQ(a.crash->incomplete, b.crash->incomplete);
    EXPECT_EQ(a.crash->interleaves, b.crash->interleaves);
  }
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.continuation, b.continuation);
  EXPECT_EQ(a.continuation_lines, b.continuation_lines);
  EXPECT_EQ(a.exclude, b.exclude);
  ASSERT_EQ(a.crash.has_value(), b.crash.has_value());
  if (a.crash) {
    const CrashSpec &x = *a.crash, &y = *b.crash;
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.title, y.title);
    EXPECT_EQ(x.frames, y.frames);
    EXPECT_EQ(x.start, y.start);
    EXPECT_EQ(x.skip, y.skip);
    EXPECT_EQ(x.capture, y.capture);
    EXPECT_EQ(x.absorbs, y.absorbs);
    EXPECT_EQ(x.yields, y.yields);
    EXPECT_EQ(x.end, y.end);
    EXPECT_EQ(x.secondary, y.secondary);
  }
  ASSERT_EQ(a.merges.size(), b.merges.size());
  for (size_t i = 0; i < a.merges.size(); ++i) {
    const MergeSpec &x = a.merges[i], &y = b.merges[i];
    EXPECT_EQ(x.other, y.other);
    EXPECT_EQ(x.other_first, y.other_first);
    EXPECT_EQ(x.fields, y.fields);
    EXPECT_EQ(x.other_values, y.other_values);
    EXPECT_EQ(x.lines, y.lines);
    EXPECT_EQ(x.max_us, y.max_us);
    ExpectSameWhere(x.where, y.where);
  }
  ASSERT_EQ(a.settles.size(), b.settles.size());
  for (size_t i = 0; i < a.settles.size(); ++i) {
    const SettleSpec &x = a.settles[i], &y = b.settles[i];
    EXPECT_EQ(x.by, y.by);
    EXPECT_EQ(x.fields, y.fields);
    EXPECT_EQ(x.lines, y.lines);
    EXPECT_EQ(x.max_us, y.max_us);
    ExpectSameWhere(x.where, y.where);
  }
  ASSERT_EQ(a.threshold.has_value(), b.threshold.has_value());
  if (a.threshold) {
    EXPECT_EQ(a.threshold->count, b.threshold->count);
    EXPECT_EQ(a.threshold->lines, b.threshold->lines);
    EXPECT_EQ(a.threshold->max_us, b.threshold->max_us);
    ExpectSameWhere(a.threshold->where, b.threshold->where);
  }
  ASSERT_EQ(a.examples.size(), b.examples.size());
  for (size_t i = 0; i < a.examples.size(); ++i) {
    const RuleExample &x = a.examples[i], &y = b.examples[i];
    EXPECT_EQ(x.line, y.line);
    EXPECT_EQ(x.fields, y.fields);
    EXPECT_EQ(x.continuation, y.continuation);
    EXPECT_EQ(x.title, y.title);
    ExpectSameWhere(x.where, y.where);
  }
  EXPECT_EQ(a.counter_examples, b.counter_examples);
  ExpectSameWhere(a.where, b.where);
}

void ExpectSameRules(const std::vector<Rule>& a, const std::vector<Rule>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ExpectSameRule(a[i], b[i]);
}

TEST(RuleSetCache, DecodesWhatWasParsed) {
  std::vector<Rule> parsed = Parsed();
  // The shipped rules use every part of a rule somewhere; make sure, so the check above covers it.
  bool crash = false, merge = false, settle = false, threshold = false, source = false;
  for (const Rule& r : parsed) {
    crash |= r.crash.has_value();
    merge |= !r.merges.empty();
    settle |= !r.settles.empty();
    threshold |= r.threshold.has_value();
    source |= r.source.has_value();
  }
  EXPECT_TRUE(crash && merge && settle && threshold && source);
  std::vector<Rule> decoded;
  ASSERT_EQ(DecodeRules(EncodeRules(parsed), &decoded), std::nullopt);
  ExpectSameRules(parsed, decoded);
}

TEST(RuleSetCache, ColdThenWarm) {
  std::string dir = TempDir();
  DatabaseCache cache(dir);
  std::vector<Rule> cold, warm, none;
  std::string origin;
  CaptureChecks captures = CaptureChecks::kSkip;
  ASSERT_FALSE(LoadEmbeddedRulesCached(cache, &cold, &origin, &captures));
  EXPECT_EQ(origin.rfind("parsed (cache miss: ", 0), 0u) << origin;
  EXPECT_EQ(origin.find("not stored"), std::string::npos) << origin;
  EXPECT_EQ(captures, CaptureChecks::kCompile);
  ASSERT_FALSE(LoadEmbeddedRulesCached(cache, &warm, &origin, &captures));
  EXPECT_EQ(origin, "cache hit: " + cache.RuleSetPathFor(EmbeddedRuleSetKey()));
  EXPECT_EQ(captures, CaptureChecks::kSkip);  // the entry's rules passed CheckUniqueIds whole
  EXPECT_FALSE(CheckUniqueIds(warm));
  ASSERT_FALSE(LoadEmbeddedRulesCached(DatabaseCache(""), &none, &origin, &captures));
  EXPECT_EQ(origin, "parsed (no cache)");
  EXPECT_EQ(captures, CaptureChecks::kCompile);
  ExpectSameRules(Parsed(), cold);
  ExpectSameRules(Parsed(), warm);
  ExpectSameRules(Parsed(), none);
}

// Rewrites the body of the rule set's entry in `dir` and seals it with a correct CRC-32C (what a
// forger does); the next load must miss with `why`, parse, and leave a good entry behind.
void ExpectForgeryRefused(const std::string& body, const std::string& why) {
  std::string dir = TempDir();
  DatabaseCache cache(dir);
  std::vector<Rule> rules;
  ASSERT_FALSE(LoadEmbeddedRulesCached(cache, &rules));
  std::string path = cache.RuleSetPathFor(EmbeddedRuleSetKey());
  std::string file = ReadFile(path);
  file.resize(40);  // magic and key
  file += body;
  uint32_t crc = EntryChecksum(file);
  for (int i = 0; i < 4; ++i) file += static_cast<char>(crc >> (8 * i));
  WriteFile(path, file);
  std::vector<Rule> again;
  std::string origin;
  ASSERT_FALSE(LoadEmbeddedRulesCached(cache, &again, &origin));
  EXPECT_EQ(origin.rfind("parsed (cache miss: " + path + ": ", 0), 0u) << origin;
  EXPECT_NE(origin.find(why), std::string::npos) << origin;
  ExpectSameRules(Parsed(), again);
  ASSERT_FALSE(LoadEmbeddedRulesCached(cache, &again, &origin));
  EXPECT_EQ(origin.rfind("cache hit: ", 0), 0u) << origin;
}

// The encoding of one rule with `change` applied, then its bytes edited by `edit`.
std::string OneRule(const std::function<void(Rule*)>& change) {
  std::vector<Rule> rules = Parsed();
  rules.resize(1);
  change(&rules[0]);
  return EncodeRules(rules);
}

TEST(RuleSetCache, ForgedEntriesAreMisses) {
  std::string good = EncodeRules(Parsed());
  ExpectForgeryRefused(good + "x", "bytes after the last rule");
  // The first rule's id says it is longer than the whole entry. (Cutting the entry at half tested
  // this until the rule set grew and the half fell on a count instead.)
  size_t id_at = good.find(Parsed()[0].id);
  ASSERT_TRUE(id_at != std::string::npos && id_at >= 4);
  std::string long_id = good;
  long_id.replace(id_at - 4, 4, "\xf0\xff\xff\x0f");
  ExpectForgeryRefused(long_id, "is longer than the entry");
  ExpectForgeryRefused(good.substr(0, good.size() - 1), "truncated");
  ExpectForgeryRefused("", "not a rule set");
  ExpectForgeryRefused(good.substr(0, 20) + std::string(4, '\xff') + good.substr(24),
                       "a count is too large");
  // Values the TOML reader refuses are refused in an entry too.
  ExpectForgeryRefused(OneRule([](Rule* r) { r->id = "Bad Id"; }), "must be [a-z0-9_.-]+");
  ExpectForgeryRefused(OneRule([](Rule* r) { r->patterns.clear(); }), "'pattern' must not be");
  ExpectForgeryRefused(OneRule([](Rule* r) { r->remedy = "rm -rf"; }), "remedy must be");
  ExpectForgeryRefused(OneRule([](Rule* r) { r->examples.clear(); }), "needs at least one");
  ExpectForgeryRefused(OneRule([](Rule* r) {
                         r->continuation = "x";
                         r->continuation_lines = 0;
                       }),
                       "continuation_lines");
  ExpectForgeryRefused(OneRule([](Rule* r) {
                         r->threshold = ThresholdSpec{};
                         r->threshold->count = 1;
                         r->threshold->lines = 10;
                       }),
                       "threshold 'count'");
  ExpectForgeryRefused(OneRule([](Rule* r) {
                         r->merges.push_back(MergeSpec{});
                         r->merges.back().other = "other";
                         r->merges.back().lines = 0;
                       }),
                       "merge window");
  ExpectForgeryRefused(OneRule([](Rule* r) {
                         r->crash = CrashSpec{};
                         r->crash->type = r->crash->title = "T";
                         r->crash->frames = {"guess"};
                       }),
                       "unknown frames entry");
  std::vector<Rule> two = Parsed();
  two.resize(2);
  two[1].id = two[0].id;
  ExpectForgeryRefused(EncodeRules(two), "duplicate rule id");
}

// An enum or a boolean out of range, written into the bytes (the encoder cannot produce them).
TEST(RuleSetCache, OutOfRangeBytesAreMisses) {
  std::vector<Rule> rules = Parsed();
  rules.resize(1);
  std::string good = EncodeRules(rules);
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos);
    return s.replace(at, from.size(), to);
  };
  std::string severity(SeverityName(rules[0].severity));
  std::string len(1, static_cast<char>(severity.size()));
  ExpectForgeryRefused(replace(len + std::string(3, '\0') + severity,
                               std::string(1, '\5') + std::string(3, '\0') + "fatal"),
                       "an unknown severity");
  // The first boolean is `fact`, right after the remedy string.
  std::vector<Rule> decoded;
  std::string fact_true = EncodeRules([&] {
    std::vector<Rule> r = rules;
    r[0].fact = true;
    return r;
  }());
  size_t at = 0;
  while (at < good.size() && good[at] == fact_true[at]) ++at;
  ASSERT_LT(at, good.size());
  std::string two = good;
  two[at] = 2;
  EXPECT_EQ(DecodeRules(two, &decoded), "rule 0: a boolean is neither 0 nor 1");
  EXPECT_TRUE(decoded.empty());
}

// Every prefix of a small rule set's entry, and every byte flipped, is refused or decodes to rules
// that pass the checks: never a crash (the fuzzer goes further: fuzz/cache_entry_fuzzer.cc).
TEST(RuleSetCache, EveryPrefixAndFlipIsSafe) {
  std::vector<Rule> rules = Parsed();
  rules.resize(3);
  std::string good = EncodeRules(rules);
  std::vector<Rule> decoded;
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_NE(DecodeRules(good.substr(0, n), &decoded), std::nullopt) << n;
    EXPECT_TRUE(decoded.empty());
  }
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x80);
    if (!DecodeRules(bad, &decoded)) {
      for (const Rule& r : decoded) EXPECT_EQ(CheckRuleValues(r), std::nullopt);
    }
  }
}

// The output on a corpus file is byte-identical whether the rules were parsed (no cache, cold
// cache) or decoded (warm cache).
TEST(RuleSetCache, SameOutputColdAndWarm) {
  std::string dir = TempDir();
  std::string input = std::string(KDIAG_CORPUS_DIR) + "/kernel-crashes/dmesg.log";
  std::vector<std::string> args = {"--output", "ndjson", input};
  std::vector<std::string> env = {"TZ=UTC", "KDIAG_NO_CACHE=", "KDIAG_CACHE_DIR=" + dir};
  testing::RunResult none = RunKdiag(args, "", "", {"TZ=UTC", "KDIAG_NO_CACHE=1"});
  testing::RunResult cold = RunKdiag(args, "", "", env);
  std::string entry = DatabaseCache(dir).RuleSetPathFor(EmbeddedRuleSetKey());
  EXPECT_FALSE(ReadFile(entry).empty());
  testing::RunResult warm = RunKdiag(args, "", "", env);
  ASSERT_FALSE(none.out.empty()) << none.err;
  EXPECT_EQ(cold.out, none.out);
  EXPECT_EQ(warm.out, none.out);
  EXPECT_EQ(warm.status, none.status);
}

}  // namespace
}  // namespace kdiag
