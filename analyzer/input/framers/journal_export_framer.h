// JournalExportFramer: `journalctl -o export` (systemd docs/JOURNAL_EXPORT_FORMATS.md).
//
// An entry is "FIELD=value" lines ended by an empty line. A value that is not printable UTF-8 or
// holds a newline is written binary-safe: "FIELD\n", its length as 64-bit little endian, the bytes,
// "\n". The line reader has already split the stream on '\n', so inside a binary field the bytes
// are the lines received, each followed by the '\n' it was split on, until the length is covered;
// the eight length bytes themselves may hold 0x0a and so span several lines. A value must end
// exactly where a line ends (the format's closing '\n').
//
// Damage never costs more than its own entry and is never silent. A binary length over
// kMaxBinaryBytes, or a value that does not end at a line end: the fields read so far make a record
// (with the value's bytes when the length was believable), then lines are skipped up to the next
// empty line and one unparsed record (journal_fields.h) says what was wrong, spanning the skipped
// lines. A binary field the input ends inside: the record keeps the bytes that arrived, and an
// unparsed record says the input ended early. A line that is neither a field nor an empty line
// becomes an unparsed record holding it, and the entry around it goes on.
#ifndef KDIAG_INPUT_FRAMERS_JOURNAL_EXPORT_FRAMER_H_
#define KDIAG_INPUT_FRAMERS_JOURNAL_EXPORT_FRAMER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/input/framers/framer.h"
#include "analyzer/input/framers/journal_fields.h"

namespace kdiag {

// The first line is "__CURSOR=" or "__REALTIME_TIMESTAMP=", or every line of the first entry is a
// field and it has MESSAGE and at least one other field.
bool LooksLikeJournalExport(std::string_view head);

class JournalExportFramer : public Framer {
 public:
  static constexpr uint64_t kMaxBinaryBytes = 64 << 20;

  explicit JournalExportFramer(std::string input_name);
  void Line(std::string_view line, uint64_t number, const RecordSink& sink) override;
  void Finish(const RecordSink& sink) override;

 private:
  enum class State {
    kFields,    // between "FIELD=value" lines
    kBinary,    // collecting a binary field's length and bytes
    kSkipping,  // after damage, up to the next empty line
  };
  void FieldLine(std::string_view line, uint64_t number, const RecordSink& sink);
  void BinaryLine(std::string_view line, uint64_t number, const RecordSink& sink);
  // Emits the entry's record, if it has any field, and starts a new entry.
  void EndEntry(const RecordSink& sink);
  // Emits the entry so far and starts skipping; the unparsed record follows when skipping ends.
  void Damage(std::string what, const RecordSink& sink);
  void EndDamage(const RecordSink& sink);

  std::string input_name_;
  State state_ = State::kFields;
  JournalEntry entry_;
  bool has_fields_ = false;  // the entry has a field
  uint64_t first_line_ = 0;  // the entry's first and last line
  uint64_t last_line_ = 0;
  std::string binary_name_;  // the binary field being read
  uint64_t binary_line_ = 0;
  std::string binary_;  // its bytes so far: the 8 length bytes, the value, the closing '\n'
  std::string damage_;  // what was wrong, while skipping
  uint64_t damage_line_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_JOURNAL_EXPORT_FRAMER_H_
