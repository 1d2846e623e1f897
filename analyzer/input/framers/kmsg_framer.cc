// KmsgFramer: which record each line or NUL-separated piece belongs to.
//
// A line is split at its NUL bytes first: a NUL ends the pending record (`dmesg -K` writes one
// after every record, so the pieces after it start records, and a file without newlines has
// several records on one "line"). Then each piece is, in this order: a kmsg header (a new record),
// a dictionary line " KEY=value" of the pending record, a raw message line of a NUL-separated
// record, or a plain-text record of its own. Records stop taking lines at kMaxRecordLines lines or
// kMaxRecordBytes of text, so hostile input cannot grow one record without bound.
#include "analyzer/input/framers/kmsg_framer.h"

#include <limits>

#include "analyzer/input/hex.h"

namespace kdiag {
namespace {

constexpr uint32_t kMaxRecordLines = 10000;
constexpr size_t kMaxRecordBytes = 1 << 20;
// LOG_FACMASK | LOG_PRIMASK (include/linux/syslog.h): the largest priority devkmsg_write() accepts.
constexpr uint64_t kMaxPriority = 0x3ff;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// Decimal digits at *i up to `max`, then a ','. Advances *i past the ','.
bool ParseField(std::string_view line, size_t* i, uint64_t max, uint64_t* value) {
  size_t start = *i;
  uint64_t v = 0;
  for (; *i < line.size() && line[*i] >= '0' && line[*i] <= '9'; ++*i) {
    auto digit = static_cast<uint64_t>(line[*i] - '0');
    if (v > (max - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *value = v;
  if (*i == start || *i == line.size() || line[*i] != ',') return false;
  ++*i;
  return true;
}

// " KEY=value" (lib/vsprintf.c / drivers/base/core.c dev_vprintk_emit(): SUBSYSTEM, DEVICE).
bool IsDictionaryLine(std::string_view line) {
  if (line.size() < 3 || line[0] != ' ') return false;
  size_t i = 1;
  while (i < line.size() &&
         ((line[i] >= 'A' && line[i] <= 'Z') || (line[i] >= 'a' && line[i] <= 'z') ||
          (line[i] >= '0' && line[i] <= '9') || line[i] == '_')) {
    ++i;
  }
  return i > 1 && i < line.size() && line[i] == '=';
}

constexpr std::string_view kLineEnds("\n\0", 2);

// drivers/base/core.c dev_printk_emit()/create_syslog_header(): "SUBSYSTEM=%s" and "DEVICE=%c..."
// ('b'/'c' major:minor, 'n' ifindex, '+' subsystem:name). Values are escaped like the text.
constexpr size_t kMaxDictionaryValue = 256;

void KeepDictionaryValue(std::string_view line, Record* record) {
  size_t eq = line.find('=');
  std::string_view key = line.substr(1, eq - 1);
  std::string* field = key == "SUBSYSTEM" ? &record->subsystem
                       : key == "DEVICE"  ? &record->device
                                          : nullptr;
  if (field == nullptr || !field->empty()) return;
  std::string_view value = line.substr(eq + 1);
  while (!value.empty() && value.back() == '\r') value.remove_suffix(1);
  AppendKmsgUnescaped(value.substr(0, kMaxDictionaryValue), field);
}

}  // namespace

bool ParseKmsgHeader(std::string_view line, KmsgHeader* header) {
  size_t i = 0;
  uint64_t priority, seq, usec;
  if (!ParseField(line, &i, kMaxPriority, &priority) ||
      !ParseField(line, &i, std::numeric_limits<uint64_t>::max(), &seq) ||
      !ParseField(line, &i, std::numeric_limits<int64_t>::max(), &usec)) {
    return false;
  }
  if (i + 1 >= line.size() || (line[i] != '-' && line[i] != 'c' && line[i] != '+')) return false;
  KmsgHeader h;
  h.priority = static_cast<int>(priority);
  h.seq = seq;
  h.usec = static_cast<int64_t>(usec);
  h.flag = line[i++];
  // Further comma fields until ';': "caller=" is the one kdiag knows; the ABI (dev-kmsg) says
  // "future extensions might add more comma separated values before the terminating ';'".
  while (line[i] == ',') {
    size_t end = line.find_first_of(",;", i + 1);
    if (end == line.npos) return false;
    std::string_view field = line.substr(i + 1, end - i - 1);
    if (StartsWith(field, "caller=")) h.caller = field.substr(7);
    i = end;
  }
  if (line[i] != ';') return false;
  h.text = i + 1;
  *header = h;
  return true;
}

void AppendKmsgUnescaped(std::string_view escaped, std::string* out) {
  // kernel/printk/printk.c msg_add_ext_text(): "\x%02x" for c < ' ', c >= 127 and '\\'.
  for (size_t i = 0; i < escaped.size();) {
    if (escaped[i] == '\\' && i + 4 <= escaped.size() && escaped[i + 1] == 'x') {
      if (std::optional<uint64_t> byte = ParseHex(escaped.substr(i + 2, 2), 2)) {
        out->push_back(static_cast<char>(*byte));
        i += 4;
        continue;
      }
    }
    out->push_back(escaped[i++]);
  }
}

bool LooksLikeKmsg(std::string_view head) {
  size_t start = head.find_first_not_of(std::string_view("\r\n\0", 3));
  if (start == head.npos) return false;
  head.remove_prefix(start);
  KmsgHeader header;
  size_t end = head.find_first_of(kLineEnds);
  if (!ParseKmsgHeader(head.substr(0, end), &header)) return false;
  // The next record starts after the first NUL of a `dmesg -K` file, else on the next line that
  // is neither a dictionary line nor blank.
  size_t next = head.find('\0');
  if (next == head.npos) {
    next = end;
    while (next != head.npos && next + 1 < head.size() &&
           (head[next + 1] == ' ' || head[next + 1] == '\r' || head[next + 1] == '\n')) {
      next = head.find('\n', next + 1);
    }
  }
  if (next == head.npos) return true;  // one record in the head
  std::string_view rest = head.substr(next + 1);
  size_t rest_end = rest.find_first_of(kLineEnds);
  if (rest_end == rest.npos) return true;  // the head ends inside it
  return ParseKmsgHeader(rest.substr(0, rest_end), &header);
}

KmsgFramer::KmsgFramer(std::string input_name) : input_name_(std::move(input_name)) {}

void KmsgFramer::Line(std::string_view line, uint64_t number, const RecordSink& sink) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t nul = line.find('\0');
  Piece(line.substr(0, nul), number, false, sink);
  while (nul != line.npos) {
    line.remove_prefix(nul + 1);
    nul = line.find('\0');
    Piece(line.substr(0, nul), number, true, sink);
  }
}

void KmsgFramer::Finish(const RecordSink& sink) {
  ReleaseHeld(sink);
  Flush(sink);
}

void KmsgFramer::Piece(std::string_view piece, uint64_t number, bool after_nul,
                       const RecordSink& sink) {
  if (after_nul) {
    separator_ = Separator::kNul;
    ReleaseHeld(sink);
    Flush(sink);
    if (!piece.empty()) Start(piece, number);
    return;
  }
  if (piece.empty()) return;  // a blank line carries nothing
  KmsgHeader header;
  if (ParseKmsgHeader(piece, &header)) {
    if (pending_ && separator_ == Separator::kUnknown) separator_ = Separator::kNewline;
    ReleaseHeld(sink);
    Flush(sink);
    Start(piece, number);
    return;
  }
  if (pending_ && pending_->line_count < kMaxRecordLines && IsDictionaryLine(piece)) {
    ++pending_->line_count;
    KeepDictionaryValue(piece, &*pending_);
    return;
  }
  if (separator_ == Separator::kNul && CanAppend(piece)) {
    Append(piece);
    return;
  }
  if (separator_ == Separator::kUnknown && pending_ && pending_parsed_ &&
      held_.size() < kMaxRecordLines && held_bytes_ + piece.size() <= kMaxRecordBytes) {
    held_.emplace_back(piece, number);
    held_bytes_ += piece.size();
    return;
  }
  ReleaseHeld(sink);
  Flush(sink);
  Start(piece, number);
}

void KmsgFramer::Start(std::string_view piece, uint64_t number) {
  Record record;
  record.input = input_name_;
  record.line = number;
  KmsgHeader header;
  pending_parsed_ = ParseKmsgHeader(piece, &header);
  if (pending_parsed_) {
    record.level = header.priority & 7;
    // devkmsg_write() takes facilities up to 127 from user space; syslog's stop at local7 (23),
    // and Record keeps only those (found by fuzz/framer_fuzzer.cc).
    int facility = header.priority >> 3;
    record.facility = facility <= 23 ? facility : -1;
    record.time_us = header.usec;
    record.caller.assign(header.caller);
    AppendKmsgUnescaped(piece.substr(header.text), &record.text);
  } else {
    record.text.assign(piece);
  }
  record.boot_marker = StartsWith(record.text, "Linux version ");
  pending_ = std::move(record);
}

bool KmsgFramer::CanAppend(std::string_view line) const {
  return pending_ && pending_parsed_ && pending_->line_count < kMaxRecordLines &&
         pending_->text.size() + 1 + line.size() <= kMaxRecordBytes;
}

void KmsgFramer::Append(std::string_view line) {
  pending_->text += '\n';
  AppendKmsgUnescaped(line, &pending_->text);
  ++pending_->line_count;
}

void KmsgFramer::ReleaseHeld(const RecordSink& sink) {
  size_t appended = 0;
  if (separator_ == Separator::kNul) {
    while (appended < held_.size() && CanAppend(held_[appended].first)) {
      Append(held_[appended++].first);
    }
  }
  if (appended < held_.size()) Flush(sink);
  for (size_t i = appended; i < held_.size(); ++i) {
    Start(held_[i].first, held_[i].second);
    Flush(sink);
  }
  held_.clear();
  held_bytes_ = 0;
}

void KmsgFramer::Flush(const RecordSink& sink) {
  if (!pending_) return;
  Record record = std::move(*pending_);
  pending_.reset();
  sink(std::move(record));
}

}  // namespace kdiag
