#include "analyzer/rule_check.h"

#include <algorithm>

#include "analyzer/pipeline.h"

namespace kdiag {
namespace {

class Collector : public PipelineObserver {
 public:
  bool WantsEveryRecord() const override { return false; }
  void OnEvent(const Event& e) override { events.push_back(e); }
  std::vector<Event> events;
};

std::vector<Event> Run(Matcher* matcher, const std::string& text) {
  Collector c;
  Pipeline p(matcher, &c);
  p.ReadText(text, "example");
  p.Findings();
  return std::move(c.events);
}

std::string Describe(const Fields& fields) {
  std::string s = "{";
  for (const auto& [k, v] : fields) s += (s.size() > 1 ? ", " : "") + k + " = \"" + v + "\"";
  return s + "}";
}

bool SameFields(Fields a, Fields b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

}  // namespace

RuleCheckResult CheckRuleExamples(Matcher* matcher) {
  RuleCheckResult result;
  for (const Rule& rule : matcher->rules()) {
    ++result.rules;
    for (const RuleExample& ex : rule.examples) {
      ++result.examples;
      std::string text = ex.line;
      for (const std::string& c : ex.continuation) text += "\n" + c;
      std::vector<Event> events = Run(matcher, text);
      const Event* mine = nullptr;
      int count = 0;
      for (const Event& e : events) {
        if (e.rule == &rule) mine = &e, ++count;
      }
      auto fail = [&](const std::string& what) {
        result.failures.push_back(Error{
            ex.where, "example of rule '" + rule.id + "': " + what + " (line: " + ex.line + ")"});
      };
      if (count == 0) {
        fail("does not match");
      } else if (count > 1) {
        fail("matches " + std::to_string(count) + " times (continuation lines not consumed?)");
      } else if (!SameFields(mine->fields, ex.fields)) {
        fail("fields " + Describe(mine->fields) + ", expected " + Describe(ex.fields));
      } else if (mine->continuation != static_cast<int>(ex.continuation.size())) {
        fail("consumed " + std::to_string(mine->continuation) + " continuation lines, expected " +
             std::to_string(ex.continuation.size()));
      } else if (rule.crash && !mine->crash) {
        fail("crash rule's event has no crash report");
      } else if (!ex.title.empty() && mine->crash->title != ex.title) {
        fail("title \"" + mine->crash->title + "\", expected \"" + ex.title + "\"");
      }
    }
    for (const std::string& line : rule.counter_examples) {
      ++result.examples;
      for (const Event& e : Run(matcher, line)) {
        if (e.rule == &rule) {
          result.failures.push_back(
              Error{rule.where, "rule '" + rule.id + "' matches its counter-example: " + line});
          break;
        }
      }
    }
  }
  return result;
}

std::vector<Error> CheckSeverityReasons(const std::vector<Rule>& rules) {
  std::vector<Error> errors;
  for (const Rule& rule : rules) {
    if (!rule.severity_reason.empty()) continue;
    errors.push_back(Error{rule.where, "rule '" + rule.id +
                                           "' has no 'severity_reason': say why it is " +
                                           std::string(SeverityName(rule.severity)) +
                                           " (what an operator loses, or why nothing is lost)"});
  }
  return errors;
}

}  // namespace kdiag
