// The Prometheus text rendering of a live run's counters.
#include "analyzer/output/metrics.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

TEST(Metrics, RendersCountersByRuleAndSeverity) {
  Rule warn, info;
  warn.id = "xen.pciback.ro_config_write";
  warn.severity = Severity::kWarning;
  info.id = "a\"b\\c";  // label values are escaped
  info.severity = Severity::kInfo;
  EventCounts counts;
  Event e;
  e.rule = &warn;
  counts.Add(e, 100.5);
  counts.Add(e, 101.25);
  e.rule = &info;
  counts.Add(e, 102);
  Record unparsed, parsed;
  unparsed.program = "kdiag-unparsed";
  counts.AddRecord(unparsed);
  counts.AddRecord(parsed);
  Summary s;
  s.records = 7;
  s.bytes = 300;
  s.errors = 1;
  s.truncated_lines = 2;
  s.kmsg_lost = 3;
  std::string text = RenderMetrics(s, counts);
  EXPECT_NE(text.find("# TYPE kdiag_records_total counter\nkdiag_records_total 7\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kdiag_bytes_total 300\n"), std::string::npos);
  EXPECT_NE(
      text.find(
          "kdiag_events_total{rule=\"xen.pciback.ro_config_write\",severity=\"warning\"} 2\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("kdiag_events_total{rule=\"a\\\"b\\\\c\",severity=\"info\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kdiag_parse_errors_total{kind=\"read\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kdiag_parse_errors_total{kind=\"truncated_line\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("kdiag_parse_errors_total{kind=\"unparsed_record\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kdiag_kmsg_lost_total 3\n"), std::string::npos);
  EXPECT_NE(text.find("kdiag_last_event_timestamp_seconds 102.000\n"), std::string::npos) << text;
}

TEST(Metrics, DeclaredRulesHaveASeriesAtZeroAndKeepTheirCounts) {
  std::vector<Rule> rules(2);
  rules[0].id = "a.first";
  rules[0].severity = Severity::kError;
  rules[1].id = "b.second";
  rules[1].severity = Severity::kInfo;
  EventCounts counts;
  counts.DeclareRules(rules);
  std::string text = RenderMetrics(Summary(), counts);
  EXPECT_NE(text.find("kdiag_events_total{rule=\"a.first\",severity=\"error\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kdiag_events_total{rule=\"b.second\",severity=\"info\"} 0\n"),
            std::string::npos)
      << text;
  Event e;
  e.rule = &rules[0];
  counts.Add(e, 1);
  counts.DeclareRules(rules);  // a reload: the count stays
  text = RenderMetrics(Summary(), counts);
  EXPECT_NE(text.find("kdiag_events_total{rule=\"a.first\",severity=\"error\"} 1\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace kdiag
