// JournalJsonFramer: `journalctl -o json | json-seq | json-sse | json-pretty`.
//
// Shapes (systemd src/shared/logs-show.c, output_json()):
//   json         one object per line;
//   json-seq     RFC 7464: the RS byte 0x1e, the object, '\n';
//   json-sse     "data: " + object, then a blank line;
//   json-pretty  "{", one "\t\"FIELD\" : value," line per field, "}".
// All four are read the same way: an object starts on a line whose first byte (after an RS or
// "data: ") is '{', and lines are collected, tracking the bracket depth outside strings, until the
// depth returns to zero; then one simdjson DOM parser (reused) parses it. Values are strings; a
// field with bytes that are not printable UTF-8 is an array of byte values; a field over 4096
// bytes is null (taken as absent: a null MESSAGE gives an empty text, the record stays); a
// repeated field is an array of those values, of which the first non-null is taken.
//
// Damage never goes unseen and never costs the next entry. A line that is not part of an object
// (not blank, not starting one), an object that does not parse, an object still open when a new
// one starts (the line reader cut an over-long line) or when the input ends (a cut file), and an
// object past kMaxObjectBytes / kMaxObjectLines each become one unparsed record (journal_fields.h)
// holding the raw text.
#ifndef KDIAG_INPUT_FRAMERS_JOURNAL_JSON_FRAMER_H_
#define KDIAG_INPUT_FRAMERS_JOURNAL_JSON_FRAMER_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/input/framers/framer.h"
#include "analyzer/input/framers/journal_fields.h"

namespace kdiag {

// The first non-empty line is a journal JSON object (any of the four shapes above).
bool LooksLikeJournalJson(std::string_view head);

class JournalJsonFramer : public Framer {
 public:
  static constexpr size_t kMaxObjectBytes = 16 << 20;
  static constexpr uint32_t kMaxObjectLines = 100000;

  explicit JournalJsonFramer(std::string input_name);
  void Line(std::string_view line, uint64_t number, const RecordSink& sink) override;
  void Finish(const RecordSink& sink) override;

 private:
  // Adds one line of the open object, tracking the depth.
  void Append(std::string_view line);
  // The open object is complete (or abandoned): emit its record and close it.
  void Close(const RecordSink& sink);
  void Decode(simdjson::dom::object object);

  std::string input_name_;
  simdjson::dom::parser parser_;
  JournalEntry entry_;
  std::string value_;  // a byte-array value, decoded

  bool open_ = false;      // an object is being collected
  std::string text_;       // its text so far (lines joined by '\n'), up to kMaxObjectBytes
  bool overflow_ = false;  // it passed a limit: text_ holds only its start
  uint64_t first_line_ = 0;
  uint32_t line_count_ = 0;
  int64_t depth_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_JOURNAL_JSON_FRAMER_H_
