// DmesgJsonFramer: util-linux `dmesg --json` (-J), also with -x and with -w (never closed).
//
// util-linux sys-utils/dmesg.c print_record() through lib/jsonwrt.c writes one pretty document:
//   {
//      "dmesg": [
//         {
//            "pri": 6,                 number: facility<<3 | level ("fac"/"pri" names with -x)
//            "time":     0.000000,     "%5ld.%06ld": an unquoted, space-padded number
//            "caller": "T1",           only with CONFIG_PRINTK_CALLER
//            "msg": "Linux version ..."
//         },{
//            ...
//         }
//      ]
//   }
// An entry spans several lines, and "},{" ends one entry and starts the next on the same line, so
// the framer scans characters, not lines: it tracks the bracket depth outside strings over the
// whole document, and captures each object that opens directly inside the top-level array. When
// its closing brace arrives the capture is parsed with simdjson (one parser, reused) and becomes a
// record. `dmesg -w -J` never writes the closing "]}": nothing waits for it.
//
// `time` is read from its text ("%5ld.%06ld") to exact microseconds, not through a double.
// `msg` is a JSON string: util-linux decodes the kernel's "\xNN" escapes and JSON-escapes the
// bytes, so simdjson's unescaping is the whole decoding.
//
// Damage never goes unseen: an entry that does not parse or has no "msg", an entry still open at
// the end of the input (a cut file), an entry past kMaxEntryBytes / kMaxEntryLines, and a
// non-blank line outside any document each become one unparsed record (journal_fields.h).
#ifndef KDIAG_INPUT_FRAMERS_DMESG_JSON_FRAMER_H_
#define KDIAG_INPUT_FRAMERS_DMESG_JSON_FRAMER_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/input/framers/framer.h"

namespace kdiag {

// The first non-blank line is "{" and the next non-blank line starts with "\"dmesg\"" then ':'
// (after whitespace); a one-line document `{"dmesg":[` is accepted too.
bool LooksLikeDmesgJson(std::string_view head);

class DmesgJsonFramer : public Framer {
 public:
  static constexpr size_t kMaxEntryBytes = 1 << 20;
  static constexpr uint32_t kMaxEntryLines = 10000;

  explicit DmesgJsonFramer(std::string input_name);
  void Line(std::string_view line, uint64_t number, const RecordSink& sink) override;
  void Finish(const RecordSink& sink) override;

 private:
  // The captured entry is complete (or abandoned): emit its record and reset the capture.
  void CloseEntry(bool complete, const RecordSink& sink);
  bool Decode(simdjson::dom::object object, Record* record) const;

  std::string input_name_;
  simdjson::dom::parser parser_;

  int64_t depth_ = 0;        // bracket depth in the document, outside strings
  bool array_ = false;       // the depth-2 container is an array (the "dmesg" list)
  bool in_entry_ = false;    // an entry object is being captured
  std::string entry_;        // its text so far, up to kMaxEntryBytes
  bool overflow_ = false;    // it passed a limit: entry_ holds only its start
  uint64_t first_line_ = 0;  // line of its '{'
  uint32_t line_count_ = 0;  // lines it touches
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_DMESG_JSON_FRAMER_H_
