// JournalExportFramer: the format and the damage rules are in the header.
#include "analyzer/input/framers/journal_export_framer.h"

#include <utility>

namespace kdiag {
namespace {

constexpr size_t kLengthBytes = 8;

// journald field names: upper-case letters, digits and '_', at most 64 bytes
// (systemd src/libsystemd/sd-journal/journal-file.c, field_is_valid()).
bool IsFieldName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

uint64_t LittleEndian64(std::string_view b) {
  uint64_t v = 0;
  for (size_t i = kLengthBytes; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[i]);
  return v;
}

}  // namespace

bool LooksLikeJournalExport(std::string_view head) {
  if (head.substr(0, 9) == "__CURSOR=" || head.substr(0, 21) == "__REALTIME_TIMESTAMP=") {
    return true;
  }
  int fields = 0;
  bool message = false;
  while (!head.empty()) {
    size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
    if (line.empty()) break;  // the end of the first entry
    size_t eq = line.find('=');
    std::string_view name = line.substr(0, eq);
    if (!IsFieldName(name)) return false;
    ++fields;
    if (name == "MESSAGE") message = true;
    if (eq == std::string_view::npos) break;  // a binary field: bytes follow, stop here
  }
  return message && fields >= 2;
}

JournalExportFramer::JournalExportFramer(std::string input_name)
    : input_name_(std::move(input_name)) {}

void JournalExportFramer::Line(std::string_view line, uint64_t number, const RecordSink& sink) {
  switch (state_) {
    case State::kFields:
      FieldLine(line, number, sink);
      break;
    case State::kBinary:
      BinaryLine(line, number, sink);
      break;
    case State::kSkipping:
      if (line.empty()) {
        EndDamage(sink);
      } else {
        last_line_ = number;
      }
      break;
  }
}

void JournalExportFramer::Finish(const RecordSink& sink) {
  if (state_ == State::kBinary) {
    // The input ended inside a binary value: keep what arrived (without the '\n' added after
    // the last line, which the input may not have had).
    std::string_view got(binary_);
    if (!got.empty()) got.remove_suffix(1);
    std::string what = "journal export: input ends inside binary field " + binary_name_;
    if (got.size() >= kLengthBytes) {
      uint64_t length = LittleEndian64(got);
      got.remove_prefix(kLengthBytes);
      if (length <= kMaxBinaryBytes) entry_.Set(binary_name_, got);
      what += " (" + std::to_string(got.size()) + " of " + std::to_string(length) + " bytes)";
    }
    Damage(std::move(what), sink);
  }
  if (state_ == State::kSkipping) EndDamage(sink);
  EndEntry(sink);
}

void JournalExportFramer::FieldLine(std::string_view line, uint64_t number,
                                    const RecordSink& sink) {
  if (line.empty()) {
    EndEntry(sink);
    return;
  }
  size_t eq = line.find('=');
  std::string_view name = line.substr(0, eq);
  if (!IsFieldName(name)) {
    sink(UnparsedRecord(line, input_name_, number, 1));
    return;
  }
  if (!has_fields_) first_line_ = number;
  has_fields_ = true;
  last_line_ = number;
  if (eq != std::string_view::npos) {
    entry_.Set(name, line.substr(eq + 1));
    return;
  }
  binary_name_.assign(name);
  binary_line_ = number;
  binary_.clear();
  state_ = State::kBinary;
}

void JournalExportFramer::BinaryLine(std::string_view line, uint64_t number,
                                     const RecordSink& sink) {
  last_line_ = number;
  binary_.append(line);
  binary_.push_back('\n');
  if (binary_.size() < kLengthBytes) return;
  uint64_t length = LittleEndian64(binary_);
  if (length > kMaxBinaryBytes) {
    Damage("journal export: binary field " + binary_name_ + " declares " + std::to_string(length) +
               " bytes, over the limit of " + std::to_string(kMaxBinaryBytes),
           sink);
    return;
  }
  uint64_t end = kLengthBytes + length;  // where the closing '\n' belongs
  if (binary_.size() <= end) return;
  std::string_view value = std::string_view(binary_).substr(kLengthBytes, length);
  entry_.Set(binary_name_, value);
  if (binary_.size() == end + 1) {  // the value ended where a line ended: '\n' follows it
    state_ = State::kFields;
    return;
  }
  Damage("journal export: binary field " + binary_name_ + " of " + std::to_string(length) +
             " bytes is not followed by a newline",
         sink);
}

void JournalExportFramer::EndEntry(const RecordSink& sink) {
  if (has_fields_) {
    sink(entry_.ToRecord(input_name_, first_line_,
                         static_cast<uint32_t>(last_line_ - first_line_ + 1)));
  }
  entry_.Clear();
  has_fields_ = false;
}

void JournalExportFramer::Damage(std::string what, const RecordSink& sink) {
  EndEntry(sink);
  binary_.clear();
  damage_ = std::move(what);
  damage_line_ = binary_line_;
  state_ = State::kSkipping;
}

void JournalExportFramer::EndDamage(const RecordSink& sink) {
  sink(UnparsedRecord(damage_, input_name_, damage_line_,
                      static_cast<uint32_t>(last_line_ - damage_line_ + 1)));
  damage_.clear();
  state_ = State::kFields;
}

}  // namespace kdiag
