// Timestamp parsing: the "[%5lu.%06lu] " console prefix, as
// analyzer/input/prefixes/console_prefix.h exposes it (ParseKernelPrefix fills Record::time_us and
// returns the text offset).
//
//   BM_ParseKernelPrefix        typical "[ 1234.567890] message" lines
//   BM_ParseKernelPrefix_None   lines without any prefix (the parser's early-out)
//   BM_CleanConsoleLine         the ANSI/CR scrub every line goes through first (clean lines)
//   BM_FormatSeconds            the reverse: microseconds -> "1234.567890" (JSON/text output)
// Bytes are whole lines; items are lines.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "analyzer/input/prefixes/console_prefix.h"
#include "analyzer/input/record.h"
#include "bench/bench_data.h"

namespace kdiag::bench {
namespace {

const std::string& Text() {
  static const std::string text = TypicalDmesgText(20000);
  return text;
}

void BM_ParseKernelPrefix(benchmark::State& state) {
  const auto lines = SplitLines(Text());
  size_t bytes = 0;
  for (auto l : lines) bytes += l.size();
  uint64_t stamped = 0;
  for (auto _ : state) {
    for (std::string_view line : lines) {
      Record r;
      size_t off = ParseKernelPrefix(line, &r);
      benchmark::DoNotOptimize(off);
      stamped += r.time_us.has_value();
    }
  }
  if (stamped != state.iterations() * lines.size()) state.SkipWithError("a prefix did not parse");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * lines.size()));
}
BENCHMARK(BM_ParseKernelPrefix)->Unit(benchmark::kMicrosecond);

void BM_ParseKernelPrefix_None(benchmark::State& state) {
  std::vector<std::string_view> lines = SplitLines(Text());
  for (auto& l : lines) l.remove_prefix(l.find("] ") + 2);
  size_t bytes = 0;
  for (auto l : lines) bytes += l.size();
  for (auto _ : state) {
    for (std::string_view line : lines) {
      Record r;
      benchmark::DoNotOptimize(ParseKernelPrefix(line, &r));
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * lines.size()));
}
BENCHMARK(BM_ParseKernelPrefix_None)->Unit(benchmark::kMicrosecond);

void BM_CleanConsoleLine(benchmark::State& state) {
  const auto lines = SplitLines(Text());
  size_t bytes = 0;
  for (auto l : lines) bytes += l.size();
  std::string scratch;
  for (auto _ : state) {
    for (std::string_view line : lines) {
      benchmark::DoNotOptimize(CleanConsoleLine(line, &scratch).data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * lines.size()));
}
BENCHMARK(BM_CleanConsoleLine)->Unit(benchmark::kMicrosecond);

void BM_FormatSeconds(benchmark::State& state) {
  Rng rng(7);
  std::vector<int64_t> stamps;
  for (int i = 0; i < 1000; ++i)
    stamps.push_back(static_cast<int64_t>(rng.Next() % 100000000000ULL));
  size_t bytes = 0;
  for (auto _ : state) {
    for (int64_t us : stamps) {
      std::string s = FormatSeconds(us);
      bytes += s.size();
      benchmark::DoNotOptimize(s.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * stamps.size()));
}
BENCHMARK(BM_FormatSeconds)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kdiag::bench
