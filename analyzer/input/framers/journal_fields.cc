// JournalEntry: the field mapping is in the header; this file only spells it out.
#include "analyzer/input/framers/journal_fields.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>

#include "analyzer/input/prefixes/xen_prefix.h"

namespace kdiag {
namespace {

constexpr std::string_view kFieldNames[] = {
    "MESSAGE",
    "_TRANSPORT",
    "SYSLOG_IDENTIFIER",
    "_COMM",
    "PRIORITY",
    "SYSLOG_FACILITY",
    "_SOURCE_MONOTONIC_TIMESTAMP",
    "__MONOTONIC_TIMESTAMP",
    "__REALTIME_TIMESTAMP",
    "_BOOT_ID",
    "_HOSTNAME",
    "_KERNEL_SUBSYSTEM",
    "_KERNEL_DEVICE",
};

// The whole of `s` as a decimal number in [0, max]; journald writes these unsigned, no sign.
bool ParseDecimal(std::string_view s, uint64_t max, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > max) return false;
  *out = v;
  return true;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

int JournalEntry::FieldIndex(std::string_view name) {
  static_assert(sizeof(kFieldNames) / sizeof(kFieldNames[0]) == kFieldCount);
  for (int i = 0; i < kFieldCount; ++i) {
    if (kFieldNames[i] == name) return i;
  }
  return -1;
}

bool JournalEntry::Wants(std::string_view name) const {
  int i = FieldIndex(name);
  return i >= 0 && !(set_ & (1u << i));
}

void JournalEntry::Set(std::string_view name, std::string_view value) {
  int i = FieldIndex(name);
  if (i < 0 || (set_ & (1u << i))) return;
  values_[i].assign(value);
  set_ |= 1u << i;
}

void JournalEntry::Clear() {
  for (int i = 0; i < kFieldCount; ++i) {
    if (set_ & (1u << i)) values_[i].clear();
  }
  set_ = 0;
}

Record JournalEntry::ToRecord(const std::string& input, uint64_t line, uint32_t line_count) const {
  auto has = [this](Field f) { return (set_ & (1u << f)) != 0; };
  auto number = [&](Field f, uint64_t max, uint64_t* out) {
    return has(f) && ParseDecimal(values_[f], max, out);
  };
  constexpr uint64_t kMaxI64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

  Record r;
  r.input = input;
  r.line = line;
  r.line_count = line_count;
  r.host = values_[kHostname];
  r.boot_id = values_[kBootId];
  r.subsystem = values_[kKernelSubsystem];
  r.device = values_[kKernelDevice];
  uint64_t v = 0;
  if (number(kPriority, 7, &v)) r.level = static_cast<int>(v);
  if (number(kFacility, 23, &v)) r.facility = static_cast<int>(v);
  if (number(kRealtime, kMaxI64, &v)) {
    r.wall_time = FormatUtcMicros(static_cast<int64_t>(v));
    r.timestamp_us = static_cast<int64_t>(v);
    r.timestamp_source = "journal";
  }

  bool kernel = values_[kTransport] == "kernel" || values_[kIdentifier] == "kernel";
  std::string_view message = values_[kMessage];
  size_t text = 0;
  if (ParseXenLine(message, &r, &text) || ParseGuestLine(message, &r, &text)) {
    r.text.assign(message.substr(text));  // source, domain and Xen's own stamps are set
    return r;
  }
  r.text.assign(message);
  if (kernel) {
    r.source = Source::kKernel;
    r.boot_marker = StartsWith(r.text, "Linux version ");
  } else {
    r.source = Source::kUserspace;
    r.program = has(kIdentifier) ? values_[kIdentifier] : values_[kComm];
  }
  if (number(kSourceMonotonic, kMaxI64, &v) || (kernel && number(kMonotonic, kMaxI64, &v))) {
    r.time_us = static_cast<int64_t>(v);
  }
  return r;
}

Record UnparsedRecord(std::string_view text, const std::string& input, uint64_t line,
                      uint32_t line_count) {
  Record r;
  r.text.assign(text.substr(0, kMaxUnparsedText));
  r.source = Source::kUserspace;
  r.program.assign(kUnparsedProgram);
  r.input = input;
  r.line = line;
  r.line_count = line_count;
  return r;
}

std::string FormatUtcMicros(int64_t usec) {
  if (usec < 0) return "";
  time_t seconds = static_cast<time_t>(usec / 1000000);
  struct tm tm;
  if (!gmtime_r(&seconds, &tm) || tm.tm_year > 9999 - 1900) return "";
  char buf[80];  // the ints are bounded, but the compiler cannot see it
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(usec % 1000000));
  return buf;
}

}  // namespace kdiag
