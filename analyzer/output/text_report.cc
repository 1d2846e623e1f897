#include "analyzer/output/text_report.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/output/terminal_safe.h"

namespace kdiag {
namespace {

constexpr size_t kWidth = 100;  // columns for wrapped advice

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

// Every line of text, prefixed.
void Indented(std::string_view text, std::string_view prefix, std::string* out) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    out->append(prefix);
    out->append(text.substr(0, nl));
    out->push_back('\n');
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// Word-wraps one line of advice to `width` columns; continuation lines keep the line's own
// indentation plus two spaces. Lines indented by kVerbatimIndent or more are commands to copy
// and paste, printed whole.
constexpr size_t kVerbatimIndent = 6;
void Wrapped(std::string_view line, size_t width, std::string_view prefix, std::string* out) {
  size_t indent = line.find_first_not_of(' ');
  if (indent == std::string_view::npos) indent = line.size();
  if (indent >= kVerbatimIndent) {
    out->append(prefix);
    out->append(line);
    out->push_back('\n');
    return;
  }
  std::string lead(prefix);
  std::string cont = lead + std::string(indent + 2, ' ');
  std::string current = lead + std::string(line.substr(0, indent));
  size_t fresh = current.size();  // length of a line with no word on it yet
  std::string_view rest = line.substr(indent);
  while (!rest.empty()) {
    size_t sp = rest.find(' ');
    std::string_view word = rest.substr(0, sp);
    rest.remove_prefix(sp == std::string_view::npos ? rest.size() : sp + 1);
    if (word.empty()) continue;
    if (current.size() > fresh && current.size() + 1 + word.size() > width) {
      out->append(current);
      out->push_back('\n');
      current = cont;
      fresh = current.size();
    }
    if (current.size() > fresh) current.push_back(' ');
    current.append(word);
  }
  out->append(current);
  out->push_back('\n');
}

std::string Plural(uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

void WriteTextReport(const std::vector<Finding*>& findings, const Summary& summary, bool color,
                     const std::function<void(std::string_view)>& write) {
  std::string out;
  bool first = true;
  const std::string* input = nullptr;
  int boot = -1;
  for (const Finding* f : findings) {
    write(out);
    out.clear();
    if (!input || *input != f->input || boot != f->boot) {
      input = &f->input;
      boot = f->boot;
      if (!first) out.push_back('\n');
      first = false;
      out += "== " + TerminalSafeLine(f->input) + ", boot " + std::to_string(f->boot) + " ==\n";
    }
    std::string sev = Upper(SeverityName(f->rule->severity));
    if (color) sev = SeverityColor(f->rule->severity) + sev + "\x1b[0m";
    out += sev + "  " + f->rule->id + "  x" + std::to_string(f->count);
    if (f->first_us) {
      out += "  at " + FormatSeconds(*f->first_us);
      if (f->count > 1 && f->last_us && *f->last_us != *f->first_us) {
        out += ".." + FormatSeconds(*f->last_us);
      }
    }
    // Text a guest wrote is reported, and marked: nothing in it is the host's word.
    if (f->provenance == Provenance::kGuest) out += "  (written by a guest)";
    out.push_back('\n');
    if (f->crash) {
      // A crash shows what identifies it: title, type, and the top of its call trace.
      out += "  " + TerminalSafeLine(f->crash->title) + "  [" + TerminalSafeLine(f->crash->type) +
             (f->crash->corrupted ? ", corrupted" : "") + "]\n";
      // The call trace from the guilty frame down (the generic frames above it say little).
      const std::vector<std::string>& frames = f->crash->frames;
      size_t top = 0;
      while (top < frames.size() && frames[top] != f->crash->frame) ++top;
      if (top == frames.size()) top = 0;
      constexpr size_t kTopFrames = 5;
      for (size_t i = top; i < frames.size() && i < top + kTopFrames; ++i) {
        out += "    " + std::string(i == top ? "in " : "   ") + TerminalSafeLine(frames[i]) + "\n";
      }
    }
    Indented(TerminalSafe(f->summary), "  ", &out);
    // The first message, and the first of each merged rule's ([[rule.merge]]), in line order.
    std::vector<std::pair<uint64_t, std::string_view>> lines = {{f->line, f->message}};
    for (const MergedEvents& m : f->merged) lines.emplace_back(m.line, m.message);
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [line, msg] : lines) {
      std::string where = TerminalSafeLine(f->input) + ":" + std::to_string(line) + ": ";
      out += "  " + where + TerminalSafe(msg.substr(0, msg.find('\n'))) + "\n";
    }
    std::string advice = TerminalSafe(f->advice);
    for (std::string_view rest = advice; !rest.empty();) {
      size_t nl = rest.find('\n');
      Wrapped(rest.substr(0, nl), kWidth, "    | ", &out);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    }
  }
  if (findings.empty()) out += "No problems found.\n";
  out += "\n" + Plural(summary.findings, "finding") + " from " + Plural(summary.events, "event") +
         " in " + Plural(summary.records, "record") + " (" + Plural(summary.boots, "boot") + ", " +
         Plural(summary.inputs, "input") + ", " + std::to_string(summary.bytes) + " bytes)";
  if (summary.findings_dropped) {
    out += "; " + std::to_string(summary.findings_dropped) + " further findings not kept";
  }
  if (summary.truncated_lines) {
    out += "; " + Plural(summary.truncated_lines, "overlong line") + " cut";
  }
  if (summary.suppressed) {
    out += "; " + Plural(summary.suppressed, "finding") + " suppressed by the config file";
  }
  out += ".\n";
  write(out);
}

}  // namespace kdiag
