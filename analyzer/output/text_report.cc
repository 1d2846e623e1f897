#include "analyzer/output/text_report.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/input/wall_clock.h"
#include "analyzer/output/device_report.h"
#include "analyzer/output/terminal_safe.h"
#include "analyzer/output/wrap.h"

namespace kdiag {
namespace {

const char* SeverityColor(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "\x1b[1;35m";
    case Severity::kError:
      return "\x1b[1;31m";
    case Severity::kWarning:
      return "\x1b[1;33m";
    case Severity::kNotice:
      return "\x1b[1;36m";
    case Severity::kInfo:
      return "\x1b[1m";
  }
  return "";
}

std::string Upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

std::string Plural(uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// ", at 12.345678" (kernel seconds), "..67.890123" when it recurred, then the local wall time like
// `dmesg -T` ("  [Mon Nov  3 19:54:01 2025]", "~" before it when only approximate) when known.
std::string When(const Finding& f) {
  std::string out;
  if (f.first_us) {
    out += ", at " + FormatSeconds(*f.first_us);
    if (f.count > 1 && f.last_us && *f.last_us != *f.first_us)
      out += ".." + FormatSeconds(*f.last_us);
  }
  if (f.first_timestamp_us) {
    std::string wall = FormatLocalWallTime(*f.first_timestamp_us);
    bool approximate = f.timestamp_source == "approximate-after-suspend";
    if (!wall.empty()) out += std::string("  [") + (approximate ? "~" : "") + wall + "]";
  }
  return out;
}

// Problems (findings above info) and info findings, by severity and by rule.
struct Overview {
  uint64_t by_severity[5] = {};
  struct RuleCount {
    Severity severity;
    std::string_view id;
    uint64_t findings = 0;
    uint64_t events = 0;
  };
  std::vector<RuleCount> rules;  // most severe first, then by id
  uint64_t problems = 0;
};

Overview Count(const std::vector<Finding*>& findings) {
  Overview o;
  std::map<std::pair<int, std::string_view>, Overview::RuleCount> rules;
  for (const Finding* f : findings) {
    Severity s = f->severity();
    ++o.by_severity[static_cast<int>(s)];
    if (s != Severity::kInfo) ++o.problems;
    // Negated: the map's order is then most severe first.
    Overview::RuleCount& r = rules[{-static_cast<int>(s), f->rule->id}];
    r.severity = s;
    r.id = f->rule->id;
    ++r.findings;
    r.events += f->count;
  }
  for (auto& [key, r] : rules) o.rules.push_back(r);
  return o;
}

std::string SeverityWord(Severity s, bool color) {
  std::string word = Upper(SeverityName(s));
  return color ? SeverityColor(s) + word + "\x1b[0m" : word;
}

// "3 problems: 1 error, 2 warnings; 1 info finding (a fact, not a problem)", then a line per rule,
// then what was not read.
void WriteOverview(const Overview& o, const TextReportOptions& options, std::string* out) {
  std::string head;
  if (o.problems == 0) {
    head = "No problems";
  } else {
    head = Plural(o.problems, "problem") + ":";
    const char* sep = " ";
    for (int s = static_cast<int>(Severity::kCritical); s > static_cast<int>(Severity::kInfo);
         --s) {
      if (o.by_severity[s] == 0) continue;
      head += sep + std::to_string(o.by_severity[s]) + " " +
              std::string(SeverityName(static_cast<Severity>(s)));
      if (o.by_severity[s] > 1)
        head += (static_cast<Severity>(s) == Severity::kCritical ? "" : "s");
      sep = ", ";
    }
  }
  if (uint64_t info = o.by_severity[static_cast<int>(Severity::kInfo)]) {
    head +=
        "; " + Plural(info, "info finding") + (info == 1 ? " (not a problem)" : " (not problems)");
  }
  if (!options.unread.empty()) {
    head += "; " + Plural(options.unread.size(), "input") + " not read";
  }
  WrapLine(head + (o.rules.empty() && options.unread.empty() ? " found." : "."), options.width, "",
           out);
  size_t findings_width = 0, events_width = 0;
  for (const Overview::RuleCount& r : o.rules) {
    findings_width = std::max(findings_width, Plural(r.findings, "finding").size());
    events_width = std::max(events_width, Plural(r.events, "event").size());
  }
  for (const Overview::RuleCount& r : o.rules) {
    std::string findings = Plural(r.findings, "finding"), events = Plural(r.events, "event");
    std::string word = Upper(SeverityName(r.severity));
    findings += ",";
    std::string line = "  " + word + std::string(10 - word.size(), ' ') + findings +
                       std::string(findings_width + 1 - findings.size(), ' ') + " " + events +
                       std::string(events_width - events.size(), ' ') + "  " + std::string(r.id);
    std::string wrapped;
    WrapLine(line, options.width, "", &wrapped);
    if (options.color) wrapped.replace(2, word.size(), SeverityWord(r.severity, true));
    *out += wrapped;
  }
  if (!options.unread.empty()) {
    WrapLine("Not read, or not whole (a problem there would not show here):", options.width, "",
             out);
    for (const std::string& u : options.unread)
      WrapLine(TerminalSafeLine(u), options.width, "  ", out);
  }
  if (!options.skipped.empty()) {
    WrapLine("Skipped in directories (not logs):", options.width, "", out);
    for (const std::string& u : options.skipped)
      WrapLine(TerminalSafeLine(u), options.width, "  ", out);
  }
}

// Most severe first across every input and boot; the table's order (input, boot, arrival)
// within one severity.
std::vector<const Finding*> ReportOrder(const std::vector<Finding*>& findings) {
  std::vector<const Finding*> order(findings.begin(), findings.end());
  std::stable_sort(order.begin(), order.end(), [](const Finding* a, const Finding* b) {
    return a->severity() > b->severity();
  });
  return order;
}

// `advised`: the (rule, advice) pairs printed so far. Advice prints once per rule: a later finding
// of the rule whose advice reads the same (most advice names no value of its own finding) points
// back at it.
void WriteFinding(const Finding& finding, const TextReportOptions& options,
                  std::set<std::pair<std::string, std::string>>* advised, std::string* out) {
  const Finding* f = &finding;
  const size_t width = options.width;
  std::string head = Upper(SeverityName(f->severity())) + "  " + f->rule->id + "  x" +
                     std::to_string(f->count) + "  " + TerminalSafeLine(f->input) + ", boot " +
                     std::to_string(f->boot);
  head += When(*f);
  // Text a guest wrote is reported, and marked: nothing in it is the host's word.
  if (f->provenance == Provenance::kGuest) head += "  (written by a guest)";
  std::string wrapped;
  WrapLine(head, width, "", &wrapped);
  if (options.color) {
    std::string word = Upper(SeverityName(f->severity()));
    wrapped.replace(0, word.size(), SeverityWord(f->severity(), true));
  }
  *out += wrapped;
  if (f->crash) {
    // A crash shows what identifies it: title, type, and the top of its call trace.
    WrapLine(TerminalSafeLine(f->crash->title) + "  [" + TerminalSafeLine(f->crash->type) +
                 (f->crash->corrupted ? ", corrupted" : "") + "]",
             width, "  ", out);
    // The call trace from the guilty frame down (the generic frames above it say little).
    const std::vector<std::string>& frames = f->crash->frames;
    size_t top = 0;
    while (top < frames.size() && frames[top] != f->crash->frame) ++top;
    if (top == frames.size()) top = 0;
    constexpr size_t kTopFrames = 5;
    for (size_t i = top; i < frames.size() && i < top + kTopFrames; ++i) {
      *out += "    " + std::string(i == top ? "in " : "   ") + TerminalSafeLine(frames[i]) + "\n";
    }
  }
  WrapText(TerminalSafe(f->summary), width, "  ", out);
  std::string card;  // functions of one card, a bridge in front of it (device_report.h)
  AppendCardNote(*f, &card);
  if (!card.empty()) card.pop_back();
  if (!card.empty()) WrapText(card, width, "", out);
  // The first message, and the first of each merged rule's ([[rule.merge]]), in line order.
  std::vector<std::pair<uint64_t, std::string_view>> lines = {{f->line, f->message}};
  for (const MergedEvents& m : f->merged) lines.emplace_back(m.line, m.message);
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [line, msg] : lines) {
    std::string where = TerminalSafeLine(f->input) + ":" + std::to_string(line) + ": ";
    WrapLine(where + TerminalSafe(msg.substr(0, msg.find('\n'))), width, "  ", out);
  }
  // Consequences ([[rule.explain]]) under their cause: what followed, and its first line.
  for (const ExplainedEvents& e : f->explained) {
    std::string then = "then: " + TerminalSafeLine(e.summary) + "  (" + e.rule + " x" +
                       std::to_string(e.count) + ")";
    WrapLine(then, width, "  ", out);
    std::string where = TerminalSafeLine(f->input) + ":" + std::to_string(e.line) + ": ";
    WrapLine(where + TerminalSafe(std::string_view(e.message).substr(0, e.message.find('\n'))),
             width, "    ", out);
  }
  if (!f->advice.empty() && !advised->emplace(f->rule->id, f->advice).second) {
    WrapLine("Advice: as for the first " + f->rule->id + " finding above.", width, "    | ", out);
    return;
  }
  WrapText(TerminalSafe(f->advice), width, "    | ", out);
}

}  // namespace

void WriteTextReport(const std::vector<Finding*>& findings, const Summary& summary,
                     const TextReportOptions& options,
                     const std::function<void(std::string_view)>& write) {
  std::string out;
  WriteOverview(Count(findings), options, &out);
  std::set<std::pair<std::string, std::string>> advised;  // rule id, advice
  for (const Finding* f : ReportOrder(findings)) {
    out.push_back('\n');
    WriteFinding(*f, options, &advised, &out);
    write(out);
    out.clear();
  }
  if (!options.devices.empty()) {
    std::string_view devices = options.devices;
    if (devices.back() == '\n') devices.remove_suffix(1);
    WrapText(devices, options.width, "", &out);
  }
  out.push_back('\n');
  // Info-level facts are not findings here: an operator reads this number as "things to act on".
  std::string last = "\n" + Plural(summary.problems, "finding") + " from " +
                     Plural(summary.events, "event") + " in " + Plural(summary.records, "record") +
                     " (" + Plural(summary.boots, "boot") + ", " + Plural(summary.inputs, "input") +
                     ", " + std::to_string(summary.bytes) + " bytes)";
  if (summary.facts) {
    last += "; " + Plural(summary.facts, "info fact") + " (not counted as findings)";
  }
  if (summary.findings_dropped) {
    last += "; " + std::to_string(summary.findings_dropped) + " further findings not kept";
  }
  if (summary.truncated_lines) {
    last += "; " + Plural(summary.truncated_lines, "overlong line") + " cut";
  }
  if (summary.suppressed) {
    last += "; " + Plural(summary.suppressed, "finding") + " suppressed by the config file";
  }
  if (summary.not_selected) {
    last += "; " + Plural(summary.not_selected, "finding") +
            " not shown (--min-severity, --rule or --skip-rule)";
  }
  if (!options.unread.empty()) {
    last += "; " + Plural(options.unread.size(), "input") + " not read (see the top)";
  }
  if (!options.skipped.empty()) {
    last += "; " + Plural(options.skipped.size(), "file") + " skipped as not logs";
  }
  WrapLine(last.substr(1) + ".", options.width, "", &out);
  write(out);
}

}  // namespace kdiag
