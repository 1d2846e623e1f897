#include "pipeline_run.h"

#include <gtest/gtest.h>

#include <memory>

#include "analyzer/match/rule_file.h"
#include "analyzer/pipeline.h"

namespace kdiag::testing {

std::vector<Record> FrameText(Framer* framer, std::string_view text) {
  std::vector<Record> out;
  RecordSink sink = [&out](Record&& r) { out.push_back(std::move(r)); };
  uint64_t number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    framer->Line(text.substr(0, nl), ++number, sink);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  framer->Finish(sink);
  return out;
}

namespace {

class Collector : public PipelineObserver {
 public:
  Collector(PipelineRun* run, bool records) : run_(run), records_(records) {}
  bool WantsEveryRecord() const override { return records_; }
  void OnRecord(const Record& r) override {
    if (records_) run_->records.push_back(r);
  }
  void OnEvent(const Event& e) override { run_->events.push_back(e); }

 private:
  PipelineRun* run_;
  bool records_;
};

// Events point at rules: the matcher must outlive every run's events.
Matcher* ShippedMatcher() {
  static std::unique_ptr<Matcher> matcher = [] {
    std::vector<Rule> rules;
    auto err = LoadEmbeddedRules(&rules);
    EXPECT_FALSE(err) << err->ToString();
    std::unique_ptr<Matcher> m;
    EXPECT_FALSE(Matcher::Build(std::move(rules), &m));
    return m;
  }();
  return matcher.get();
}

}  // namespace

PipelineRun RunShippedRulesOnPath(const std::string& path, bool journal, std::vector<Error>* errors,
                                  const RunOptions& options) {
  PipelineRun run;
  Collector collector(&run, options.records);
  Pipeline pipeline(ShippedMatcher(), &collector);
  pipeline.SetPassOver(options.pass_over);
  pipeline.SetThreads(options.threads);
  if (journal) {
    pipeline.ReadJournal(path, errors);
  } else {
    pipeline.ReadPath(path, errors);
  }
  pipeline.Findings();
  run.summary = pipeline.summary();
  run.passed_over = pipeline.passed_over();
  for (const auto& [bdf, device] : pipeline.inventory().devices()) run.devices.push_back(device);
  return run;
}

PipelineRun RunShippedRules(std::string_view text, const std::string& name,
                            const std::string& format, const RunOptions& options) {
  PipelineRun run;
  Collector collector(&run, options.records);
  Pipeline pipeline(ShippedMatcher(), &collector, format);
  pipeline.SetPassOver(options.pass_over);
  pipeline.SetThreads(options.threads);
  pipeline.ReadText(text, name);
  pipeline.Findings();
  run.summary = pipeline.summary();
  run.passed_over = pipeline.passed_over();
  return run;
}

}  // namespace kdiag::testing
