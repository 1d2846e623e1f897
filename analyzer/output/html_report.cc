#include "analyzer/output/html_report.h"

#include <string_view>
#include <unordered_map>
#include <utility>

#include "analyzer/correlate/finding_device.h"
#include "analyzer/output/gzip_base64.h"
#include "analyzer/output/html_assets.h"
#include "analyzer/output/json_writer.h"
#include "analyzer/output/terminal_safe.h"

namespace kdiag {
namespace {

// Strings written once and referred to by their index (rule ids, input names, advice, lines of
// advice).
class StringTable {
 public:
  int IndexOf(std::string_view s) {
    auto [it, added] = index_.emplace(std::string(s), static_cast<int>(strings_.size()));
    if (added) strings_.push_back(&it->first);
    return it->second;
  }
  size_t size() const { return strings_.size(); }
  const std::string& operator[](size_t i) const { return *strings_[i]; }

 private:
  std::unordered_map<std::string, int> index_;
  std::vector<const std::string*> strings_;  // the keys above, by index
};

// Advice: each distinct text once, as the indexes of its lines, each distinct line once. The
// advice of one rule differs between findings in a line or two (the device, a register), so
// 10,000 findings of one rule cost their line numbers rather than 10,000 texts.
class AdviceTable {
 public:
  int IndexOf(std::string_view advice) {
    int index = texts_.IndexOf(advice);
    if (static_cast<size_t>(index) == lines_of_.size()) {
      std::vector<int>& lines = lines_of_.emplace_back();
      std::string safe = TerminalSafe(advice);
      for (std::string_view rest = safe;;) {
        size_t nl = rest.find('\n');
        lines.push_back(lines_.IndexOf(rest.substr(0, nl)));
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
      }
    }
    return index;
  }
  const std::vector<std::vector<int>>& texts() const { return lines_of_; }
  const StringTable& lines() const { return lines_; }

 private:
  StringTable texts_;
  std::vector<std::vector<int>> lines_of_;  // by text index
  StringTable lines_;
};

void Number(JsonWriter* w, const char* key, uint64_t v) {
  w->Key(key);
  w->Int(static_cast<int64_t>(v));
}

void Seconds(JsonWriter* w, const char* key, const std::optional<int64_t>& us) {
  w->Key(key);
  us ? w->Raw(FormatSeconds(*us)) : w->Null();
}

// One log line of a finding: where it is, its text, and for a merged rule's line, which rule
// matched it and how often.
void LogLine(JsonWriter* w, uint64_t line, const MergedEvents* merged, std::string_view message) {
  w->BeginObject();
  Number(w, "line", line);
  if (merged) {
    w->Key("rule");
    w->String(merged->rule);
    Number(w, "count", merged->count);
  }
  w->Key("text");
  w->String(TerminalSafe(message));
  w->EndObject();
}

void FindingObject(const Finding& f, StringTable* rules, StringTable* inputs, AdviceTable* advice,
                   JsonWriter* w) {
  w->BeginObject();
  Number(w, "rule", static_cast<uint64_t>(rules->IndexOf(f.rule->id)));
  Number(w, "input", static_cast<uint64_t>(inputs->IndexOf(TerminalSafeLine(f.input))));
  Number(w, "boot", static_cast<uint64_t>(f.boot));
  Number(w, "count", f.count);
  Seconds(w, "first", f.first_us);
  Seconds(w, "last", f.last_us);
  Number(w, "line", f.line);
  Number(w, "last_line", f.last_line);
  w->Key("device");
  w->String(TerminalSafeLine(FindingDevice(f)));
  w->Key("summary");
  w->String(TerminalSafe(f.summary));
  if (!f.advice.empty()) Number(w, "advice", static_cast<uint64_t>(advice->IndexOf(f.advice)));
  if (f.provenance == Provenance::kGuest) {
    w->Key("guest");
    w->Bool(true);
  }
  if (f.severity() != f.rule->severity) {  // raised by a consequence (correlate/finding.h)
    w->Key("severity");
    w->String(SeverityName(f.severity()));
  }
  if (f.crash) {
    w->Key("crash");
    w->BeginObject();
    w->Key("title");
    w->String(TerminalSafeLine(f.crash->title));
    w->Key("type");
    w->String(TerminalSafeLine(f.crash->type));
    w->Key("corrupted");
    w->Bool(f.crash->corrupted);
    w->Key("frames");
    w->BeginArray();
    for (const std::string& frame : f.crash->frames) w->String(TerminalSafeLine(frame));
    w->EndArray();
    w->Key("frame");
    w->String(TerminalSafeLine(f.crash->frame));
    w->EndObject();
  }
  // The first event's lines, and the first of each merged rule's ([[rule.merge]]).
  w->Key("lines");
  w->BeginArray();
  LogLine(w, f.line, nullptr, f.message);
  for (const MergedEvents& m : f.merged) LogLine(w, m.line, &m, m.message);
  w->EndArray();
  w->EndObject();
}

void Strings(JsonWriter* w, const char* key, const StringTable& strings) {
  w->Key(key);
  w->BeginArray();
  for (size_t i = 0; i < strings.size(); ++i) w->String(strings[i]);
  w->EndArray();
}

}  // namespace

void WriteHtmlReport(const std::vector<Finding*>& findings, const Summary& summary,
                     const std::function<void(std::string_view)>& write) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"";
  page += HtmlPolicy();
  page +=
      "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>kdiag report</title>\n<style>";
  page += HtmlStyle();
  page +=
      "</style>\n</head>\n<body>\n"
      "<noscript>This page shows its findings with JavaScript; without it, run kdiag with "
      "--output text for the same report.</noscript>\n"
      "<script type=\"application/octet-stream\" id=\"kdiag-data\" "
      "data-encoding=\"gzip base64\">";
  write(page);

  GzipBase64 data(write);
  std::string json;
  JsonWriter w(&json);
  w.BeginObject();
  w.Key("version");
  w.String(KDIAG_VERSION);
  w.Key("severities");  // highest first
  w.BeginArray();
  for (Severity s : {Severity::kCritical, Severity::kError, Severity::kWarning, Severity::kNotice,
                     Severity::kInfo}) {
    w.String(SeverityName(s));
  }
  w.EndArray();
  w.Key("summary");
  w.BeginObject();
  Number(&w, "findings", summary.findings);
  Number(&w, "findings_dropped", summary.findings_dropped);
  Number(&w, "problems", summary.problems);
  Number(&w, "facts", summary.facts);
  Number(&w, "events", summary.events);
  Number(&w, "records", summary.records);
  Number(&w, "boots", summary.boots);
  Number(&w, "inputs", summary.inputs);
  Number(&w, "errors", summary.errors);
  Number(&w, "bytes", summary.bytes);
  Number(&w, "truncated_lines", summary.truncated_lines);
  w.EndObject();

  StringTable rules, inputs;
  AdviceTable advice;
  std::vector<int> rule_severity;  // by rule index
  w.Key("findings");
  w.BeginArray();
  for (const Finding* f : findings) {
    FindingObject(*f, &rules, &inputs, &advice, &w);
    if (rule_severity.size() < rules.size()) {
      rule_severity.push_back(static_cast<int>(f->rule->severity));
    }
    data.Add(json);
    json.clear();
  }
  w.EndArray();
  w.Key("rules");
  w.BeginArray();
  for (size_t i = 0; i < rules.size(); ++i) {
    w.BeginObject();
    w.Key("id");
    w.String(rules[i]);
    w.Key("severity");
    w.String(SeverityName(static_cast<Severity>(rule_severity[i])));
    w.EndObject();
  }
  w.EndArray();
  Strings(&w, "inputs", inputs);
  w.Key("advice");  // each text as its lines' indexes in advice_lines
  w.BeginArray();
  for (const std::vector<int>& lines : advice.texts()) {
    w.BeginArray();
    for (int line : lines) w.Int(line);
    w.EndArray();
  }
  w.EndArray();
  Strings(&w, "advice_lines", advice.lines());
  w.EndObject();
  data.Add(json);
  data.Finish();

  page = "</script>\n<script>";
  page += HtmlScript();
  page += "</script>\n</body>\n</html>\n";
  write(page);
}

}  // namespace kdiag
