// libFuzzer target: passing over lines (pipeline.h) never changes the output. Every input goes
// through the whole pipeline with the shipped rules three times: every line framed, lines passed
// over, and passed over with worker threads. The events and the summary must be identical; a
// difference aborts, so the fuzzer reports the input. This is where hostile shapes meet the
// shortcut's assumptions (console_framer.h PlainKernelLine, candidate_scanner.h clauses).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/output/ndjson.h"
#include "analyzer/pipeline.h"

namespace {

kdiag::Matcher* ShippedMatcher() {
  static std::unique_ptr<kdiag::Matcher> matcher = [] {
    std::vector<kdiag::Rule> rules;
    if (kdiag::LoadEmbeddedRules(&rules)) std::abort();
    std::unique_ptr<kdiag::Matcher> m;
    if (kdiag::Matcher::Build(std::move(rules), nullptr, &m)) std::abort();
    return m;
  }();
  return matcher.get();
}

class Events : public kdiag::PipelineObserver {
 public:
  explicit Events(bool every_record) : every_record_(every_record) {}
  bool WantsEveryRecord() const override { return every_record_; }
  void OnEvent(const kdiag::Event& e) override { kdiag::AppendEventJson(e, &out); }
  std::string out;

 private:
  bool every_record_;
};

std::string Run(std::string_view text, bool pass_over, int threads) {
  Events events(!pass_over);
  kdiag::Pipeline pipeline(ShippedMatcher(), &events);
  pipeline.SetPassOver(pass_over);
  pipeline.SetThreads(threads);
  pipeline.ReadText(text, "fuzz");
  pipeline.Findings();
  kdiag::AppendSummaryJson(pipeline.summary(), &events.out);
  return events.out;
}

}  // namespace

// The shipped rules' database is compiled here, before the first input: compiled inside the
// first input, under ASan on a busy machine, it took longer than -timeout=10 and the campaign
// (fuzz/RESULTS.md) reported that start-up as a timeout of the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ShippedMatcher();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string framed = Run(text, false, 1);
  if (Run(text, true, 1) != framed) std::abort();
  if (Run(text, true, 2) != framed) std::abort();
  return 0;
}
