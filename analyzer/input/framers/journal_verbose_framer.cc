// JournalVerboseFramer: the format is in the header.
#include "analyzer/input/framers/journal_verbose_framer.h"

#include <utility>

#include "analyzer/input/hex.h"
#include "analyzer/input/prefixes/syslog_prefix.h"

namespace kdiag {
namespace {

constexpr std::string_view kFieldIndent = "    ";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// "NAME=value" after the indentation: journald field names are upper-case letters, digits and
// '_' (systemd journal-file.c field_is_valid()), at most 64 bytes.
bool SplitField(std::string_view line, std::string_view* name, std::string_view* value) {
  if (!StartsWith(line, kFieldIndent)) return false;
  line.remove_prefix(kFieldIndent.size());
  size_t eq = line.find('=');
  if (eq == 0 || eq == std::string_view::npos || eq > 64) return false;
  for (char c : line.substr(0, eq)) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  *name = line.substr(0, eq);
  *value = line.substr(eq + 1);
  return true;
}

struct Cursor {
  std::string boot_id;
  std::string realtime;   // decimal microseconds
  std::string monotonic;  // decimal microseconds
};

// "<anything> [s=...;i=...;b=...;m=...;t=...;x=...]": the header's cursor.
bool ParseHeader(std::string_view line, Cursor* cursor) {
  if (line.empty() || line[0] == ' ' || line.back() != ']') return false;
  size_t open = line.rfind(" [s=");
  if (open == std::string_view::npos) return false;
  std::string_view items = line.substr(open + 2, line.size() - open - 3);
  bool b = false, m = false, t = false;
  while (!items.empty()) {
    size_t semi = items.find(';');
    std::string_view item = items.substr(0, semi);
    items.remove_prefix(semi == std::string_view::npos ? items.size() : semi + 1);
    if (item.size() < 3 || item[1] != '=') return false;
    std::string_view hex = item.substr(2);
    auto value = ParseHex(hex, 16);
    if (item[0] == 'b') {
      // ParseHex reads at most 16 digits: the 128-bit id is checked in two halves.
      if (hex.size() != 32 || !ParseHex(hex.substr(0, 16), 16) || !ParseHex(hex.substr(16), 16)) {
        return false;
      }
      cursor->boot_id.assign(hex);
      b = true;
    } else if (item[0] == 'm' && value) {
      cursor->monotonic = std::to_string(*value);
      m = true;
    } else if (item[0] == 't' && value) {
      cursor->realtime = std::to_string(*value);
      t = true;
    }
  }
  return b && m && t;
}

}  // namespace

bool LooksLikeJournalVerbose(std::string_view head) {
  std::string ignored;
  Cursor cursor;
  while (!head.empty()) {
    size_t nl = head.find('\n');
    if (nl == std::string_view::npos) return false;  // the field line must follow
    std::string_view line = head.substr(0, nl);
    head.remove_prefix(nl + 1);
    if (ParseJournalctlMarker(line, &ignored) != JournalctlMarker::kNone) continue;
    if (!ParseHeader(line, &cursor)) return false;
    std::string_view name, value;
    return SplitField(head.substr(0, head.find('\n')), &name, &value);
  }
  return false;
}

JournalVerboseFramer::JournalVerboseFramer(std::string input_name)
    : input_name_(std::move(input_name)) {}

void JournalVerboseFramer::Line(std::string_view line, uint64_t number, const RecordSink& sink) {
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!field_.empty() && line.size() >= value_indent_ &&
      line.find_first_not_of(' ') >= value_indent_) {
    last_line_ = number;
    if (value_.size() + line.size() < kMaxValueBytes) {
      value_ += '\n';
      value_.append(line.substr(value_indent_));
    }
    return;
  }
  std::string_view name, value;
  if (in_entry_ && SplitField(line, &name, &value)) {
    EndField();
    last_line_ = number;
    field_.assign(name);
    value_.assign(value);
    value_indent_ = kFieldIndent.size() + name.size() + 1;
    return;
  }
  Cursor cursor;
  if (ParseHeader(line, &cursor)) {
    EndEntry(sink);
    in_entry_ = true;
    first_line_ = last_line_ = number;
    entry_.Set("_BOOT_ID", cursor.boot_id);
    entry_.Set("__REALTIME_TIMESTAMP", cursor.realtime);
    entry_.Set("__MONOTONIC_TIMESTAMP", cursor.monotonic);
    return;
  }
  std::string ignored;
  if (ParseJournalctlMarker(line, &ignored) != JournalctlMarker::kNone) return;
  if (line.find_first_not_of(' ') == std::string_view::npos) return;
  EndEntry(sink);
  sink(UnparsedRecord(line, input_name_, number, 1));
}

void JournalVerboseFramer::Finish(const RecordSink& sink) {
  EndEntry(sink);
}

void JournalVerboseFramer::EndField() {
  if (!field_.empty()) entry_.Set(field_, value_);
  field_.clear();
  value_.clear();
}

void JournalVerboseFramer::EndEntry(const RecordSink& sink) {
  EndField();
  if (in_entry_) {
    sink(entry_.ToRecord(input_name_, first_line_,
                         static_cast<uint32_t>(last_line_ - first_line_ + 1)));
  }
  entry_.Clear();
  in_entry_ = false;
}

}  // namespace kdiag
