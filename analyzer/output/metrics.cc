#include "analyzer/output/metrics.h"

#include <fmt/format.h>

#include "analyzer/input/framers/journal_fields.h"

namespace kdiag {
namespace {

// Label values escape '\', '"' and newline (exposition format, "Comments, help text, and type
// information" / label values).
std::string LabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out.push_back('\\'), out.push_back(c);
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

void Header(std::string* out, const char* name, const char* type, const char* help) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

void EventCounts::DeclareRules(const std::vector<Rule>& rules) {
  for (const Rule& r : rules)
    by_rule_.try_emplace({r.id, std::string(SeverityName(r.severity))}, 0);
}

void EventCounts::AddRecord(const Record& record) {
  if (record.program == kUnparsedProgram) ++unparsed_;
}

void EventCounts::Add(const Event& event, double unix_seconds) {
  ++by_rule_[{event.rule->id, std::string(SeverityName(event.rule->severity))}];
  last_event_ = unix_seconds;
}

std::string RenderMetrics(const Summary& s, const EventCounts& events) {
  std::string out;
  Header(&out, "kdiag_records_total", "counter", "Log records read.");
  out += fmt::format("kdiag_records_total {}\n", s.records);
  Header(&out, "kdiag_bytes_total", "counter", "Input bytes read.");
  out += fmt::format("kdiag_bytes_total {}\n", s.bytes);
  Header(&out, "kdiag_events_total", "counter", "Events (rule matches) by rule and severity.");
  for (const auto& [key, n] : events.by_rule()) {
    out += fmt::format("kdiag_events_total{{rule=\"{}\",severity=\"{}\"}} {}\n",
                       LabelValue(key.first), LabelValue(key.second), n);
  }
  Header(&out, "kdiag_parse_errors_total", "counter",
         "Input not read or parsed whole: read or decode errors, lines cut at the length limit, "
         "records kept unparsed.");
  out += fmt::format("kdiag_parse_errors_total{{kind=\"read\"}} {}\n", s.errors);
  out += fmt::format("kdiag_parse_errors_total{{kind=\"truncated_line\"}} {}\n", s.truncated_lines);
  out +=
      fmt::format("kdiag_parse_errors_total{{kind=\"unparsed_record\"}} {}\n", events.unparsed());
  Header(&out, "kdiag_kmsg_lost_total", "counter",
         "/dev/kmsg records overwritten before kdiag could read them.");
  out += fmt::format("kdiag_kmsg_lost_total {}\n", s.kmsg_lost);
  Header(&out, "kdiag_last_event_timestamp_seconds", "gauge",
         "Unix time of the last event written, 0 before the first.");
  out += fmt::format("kdiag_last_event_timestamp_seconds {:.3f}\n", events.last_event());
  return out;
}

}  // namespace kdiag
