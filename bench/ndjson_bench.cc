// JSON writing: AppendEventJson (analyzer/output/ndjson.h), one NDJSON line per event.
//
//   BM_AppendEventJson_Typical   the founding case's event: pciback's read-only config space
//                                write, with the fields the shipped rule captures
//   BM_AppendEventJson_Examples  one event per example line of the shipped rules, round robin
//   BM_AppendRecordJson          one record line (what --records writes for every record)
// Bytes are the JSON bytes written; items are events (records).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/correlate/event.h"
#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/output/ndjson.h"
#include "bench/bench_data.h"

namespace kdiag::bench {
namespace {

// The matcher must outlive the events (they point at its rules).
Matcher& SharedMatcher() {
  static const std::unique_ptr<Matcher> m = [] {
    std::vector<Rule> rules;
    if (LoadEmbeddedRules(&rules)) std::abort();
    std::unique_ptr<Matcher> built;
    if (Matcher::Build(std::move(rules), &built)) std::abort();
    return built;
  }();
  return *m;
}

// Events as the pipeline would make them: a record and the first rule match on it.
std::vector<Event> EventsFor(const std::vector<Record>& records) {
  std::vector<Event> events;
  std::vector<RuleMatch> matches;
  for (const Record& r : records) {
    matches.clear();
    SharedMatcher().Match(r, &matches);
    if (matches.empty()) continue;
    Event e;
    e.rule = matches[0].rule;
    e.record = r;
    e.record.input = "/var/log/kern.log";
    e.record.line = 123456;
    e.fields = std::move(matches[0].fields);
    events.push_back(std::move(e));
  }
  return events;
}

void RunEvents(benchmark::State& state, const std::vector<Event>& events) {
  if (events.empty()) {
    state.SkipWithError("no event");
    return;
  }
  std::string out;
  size_t bytes = 0;
  for (auto _ : state) {
    for (const Event& e : events) {
      out.clear();
      AppendEventJson(e, &out);
      bytes += out.size();
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
}

void BM_AppendEventJson_Typical(benchmark::State& state) {
  static const std::vector<Event> events = EventsFor(FrameLines(
      {"[  395.849996] pciback 0000:07:10.1: xen-pciback: Driver tried to write to a read-only "
       "configuration space field at offset 0x1d6, size 2. This may be harmless, but if you have "
       "problems with your device:"}));
  RunEvents(state, events);
}
BENCHMARK(BM_AppendEventJson_Typical)->Unit(benchmark::kNanosecond);

void BM_AppendEventJson_Examples(benchmark::State& state) {
  static const std::vector<Event> events = EventsFor(ShippedExampleRecords());
  RunEvents(state, events);
  state.counters["events"] = static_cast<double>(events.size());
}
BENCHMARK(BM_AppendEventJson_Examples)->Unit(benchmark::kMicrosecond);

void BM_AppendRecordJson(benchmark::State& state) {
  static const std::string text = TypicalDmesgText(1000);
  static const std::vector<Record> records = FrameLines(SplitLines(text));
  std::string out;
  size_t bytes = 0;
  for (auto _ : state) {
    for (const Record& r : records) {
      out.clear();
      AppendRecordJson(r, &out);
      bytes += out.size();
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_AppendRecordJson)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kdiag::bench
