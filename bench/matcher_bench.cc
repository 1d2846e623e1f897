// Prefilter + confirmation: Matcher::Match over records, with the embedded (shipped) rules.
//
//   BM_MatcherBuild          LoadEmbeddedRules + Matcher::Build without the database cache: the
//                            start-up cost of a run with a cold cache (or KDIAG_NO_CACHE=1)
//   BM_MatcherBuild_Cached   the same with the compiled database loaded from the cache (a temp
//                            dir): the start-up cost of every later run
//   BM_LoadEmbeddedRules     LoadEmbeddedRules alone (TOML parsing and RE2 validation)
//   BM_Match_NonMatching     typical dmesg records that match no rule (the common case: one
//                            Vectorscan scan per record, no RE2)
//   BM_Match_Matching        the rules' own example lines (each matches: Vectorscan + RE2 with
//                            captures)
//   BM_Match_Mixed           non-matching records with one matching record in 500 (0.2%, the
//                            e2e corpus's mix)
// Bytes are the records' text bytes (prefixes already removed by the framer).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/input/framers/console_framer.h"
#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/pipeline.h"
#include "bench/bench_data.h"

namespace kdiag::bench {
namespace {

std::unique_ptr<Matcher> BuildMatcher(const DatabaseCache* cache = nullptr) {
  std::vector<Rule> rules;
  if (LoadEmbeddedRules(&rules)) std::abort();
  std::unique_ptr<Matcher> m;
  if (Matcher::Build(std::move(rules), cache, &m)) std::abort();
  return m;
}

const std::vector<Record>& TypicalRecords() {
  static const std::string text = TypicalDmesgText(20000);
  static const std::vector<Record> records = FrameLines(SplitLines(text));
  return records;
}

const std::vector<Record>& MatchingRecords() {
  static const std::vector<Record> records = ShippedExampleRecords();
  return records;
}

const std::vector<Record>& MixedRecords() {
  static const std::vector<Record> records = [] {
    std::vector<Record> out;
    const auto& typical = TypicalRecords();
    const auto& matching = MatchingRecords();
    for (size_t i = 0; i < typical.size(); ++i) {
      out.push_back(typical[i]);
      if (i % 500 == 499) out.push_back(matching[(i / 500) % matching.size()]);
    }
    return out;
  }();
  return records;
}

void RunMatch(benchmark::State& state, const std::vector<Record>& records) {
  auto matcher = BuildMatcher();
  size_t bytes = 0;
  for (const Record& r : records) bytes += r.text.size();
  std::vector<RuleMatch> out;
  uint64_t matches = 0;
  for (auto _ : state) {
    for (const Record& r : records) {
      out.clear();
      matcher->Match(r, &out);
      matches += out.size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
  state.counters["records"] = static_cast<double>(records.size());
  state.counters["matches/iter"] =
      static_cast<double>(matches) / static_cast<double>(state.iterations());
  state.counters["always_candidates"] = static_cast<double>(matcher->always_candidates());
}

void BM_MatcherBuild(benchmark::State& state) {
  for (auto _ : state) {
    auto m = BuildMatcher();
    benchmark::DoNotOptimize(m.get());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_MatcherBuild)->Unit(benchmark::kMillisecond);

void BM_MatcherBuild_Cached(benchmark::State& state) {
  char dir[] = "/tmp/kdiag_bench_cache.XXXXXX";
  if (!mkdtemp(dir)) std::abort();
  DatabaseCache cache(dir);
  BuildMatcher(&cache);  // the miss that fills the cache
  for (auto _ : state) {
    auto m = BuildMatcher(&cache);
    benchmark::DoNotOptimize(m.get());
  }
  std::string entry = BuildMatcher(&cache)->database_origin();
  if (entry.rfind("cache hit: ", 0) != 0) state.SkipWithError(entry.c_str());
  unlink(entry.substr(11).c_str());
  rmdir(dir);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_MatcherBuild_Cached)->Unit(benchmark::kMillisecond);

void BM_LoadEmbeddedRules(benchmark::State& state) {
  for (auto _ : state) {
    std::vector<Rule> rules;
    if (LoadEmbeddedRules(&rules)) std::abort();
    benchmark::DoNotOptimize(rules.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_LoadEmbeddedRules)->Unit(benchmark::kMillisecond);

void BM_Match_NonMatching(benchmark::State& state) {
  RunMatch(state, TypicalRecords());
}
BENCHMARK(BM_Match_NonMatching)->Unit(benchmark::kMicrosecond);

void BM_Match_Matching(benchmark::State& state) {
  RunMatch(state, MatchingRecords());
}
BENCHMARK(BM_Match_Matching)->Unit(benchmark::kMicrosecond);

void BM_Match_Mixed(benchmark::State& state) {
  RunMatch(state, MixedRecords());
}
BENCHMARK(BM_Match_Mixed)->Unit(benchmark::kMicrosecond);

// The candidate scanner over a whole 1 MiB-sized block of typical dmesg text (the per-byte work
// that replaced per-record prefiltering): bytes/s, and the share of lines that stay candidates.
void BM_CandidateScan(benchmark::State& state) {
  static const std::string text = TypicalDmesgText(9000);
  auto matcher = BuildMatcher();
  ConsoleFramer framer("bench");
  const CandidateScanner* scanner = matcher->Scanner(*framer.PassOverLiterals());
  if (!scanner) return state.SkipWithError(matcher->scanner_note().c_str());
  auto scratch = scanner->NewScratch();
  std::vector<uint32_t> ends;
  for (auto _ : state) {
    ends.clear();
    scanner->Scan(text, 0, scratch.get(), &ends);
    benchmark::DoNotOptimize(ends.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["literal ends"] = static_cast<double>(ends.size());
}
BENCHMARK(BM_CandidateScan)->Unit(benchmark::kMicrosecond);

// The whole pipeline (read, frame, match, assemble) over 100k typical lines with 0.2% matching
// ones, every line framed (arg 0) or lines without candidates passed over (arg 1).
void BM_Pipeline(benchmark::State& state) {
  static const std::string text = [] {
    std::string t;
    const auto& matching = MatchingRecords();
    size_t i = 0;
    const std::string typical = TypicalDmesgText(100000);
    for (std::string_view line : SplitLines(typical)) {
      t.append(line).append("\n");
      if (++i % 500 == 0) t += "[ 9999.000000] " + matching[i / 500 % matching.size()].text + "\n";
    }
    return t;
  }();
  auto matcher = BuildMatcher();
  matcher->Scanner(*ConsoleFramer("bench").PassOverLiterals());  // built once, not timed
  class EventsOnly : public PipelineObserver {
   public:
    bool WantsEveryRecord() const override { return false; }
  } observer;
  uint64_t passed = 0;
  for (auto _ : state) {
    Pipeline pipeline(matcher.get(), &observer);
    pipeline.SetPassOver(state.range(0) != 0);
    pipeline.ReadText(text, "bench");
    pipeline.Findings();
    passed = pipeline.passed_over();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["passed over"] = static_cast<double>(passed);
}
BENCHMARK(BM_Pipeline)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kdiag::bench
