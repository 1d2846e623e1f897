// JournalVerboseFramer: `journalctl -o verbose`.
//
// systemd src/shared/logs-show.c output_verbose() (verified against journalctl 252) writes an
// entry as a header line, the realtime stamp and the cursor in brackets,
//   "Mon 2025-11-03 18:54:01.000000 CET [s=<hex>;i=<hex>;b=<boot id>;m=<hex>;t=<hex>;x=<hex>]"
// (cursor: src/libsystemd/sd-journal/sd-journal.c sd_journal_get_cursor()), then one
// "    FIELD=value" line per field. A value with newlines continues on lines indented past
// "    FIELD="; a value that is not printable, or longer than the print threshold without --all,
// is shown as "FIELD=[<size> blob data]" and cannot be recovered (kdiag keeps that text).
// journalctl's separators ("-- Boot <id> --") and notes between entries are skipped: the cursor's
// b= already names every entry's boot, and its t= and m= give __REALTIME_TIMESTAMP and
// __MONOTONIC_TIMESTAMP. The fields then go through JournalEntry (journal_fields.h), as for json
// and export. A line that is none of these becomes an unparsed record; a value stops growing at
// kMaxValueBytes (later continuation lines are counted in the record but not kept).
#ifndef KDIAG_INPUT_FRAMERS_JOURNAL_VERBOSE_FRAMER_H_
#define KDIAG_INPUT_FRAMERS_JOURNAL_VERBOSE_FRAMER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/input/framers/framer.h"
#include "analyzer/input/framers/journal_fields.h"

namespace kdiag {

// The first line that is not a journalctl note is an entry header and the next is a field line.
bool LooksLikeJournalVerbose(std::string_view head);

class JournalVerboseFramer : public Framer {
 public:
  static constexpr size_t kMaxValueBytes = 1 << 20;

  explicit JournalVerboseFramer(std::string input_name);
  void Line(std::string_view line, uint64_t number, const RecordSink& sink) override;
  void Finish(const RecordSink& sink) override;

 private:
  void EndField();
  void EndEntry(const RecordSink& sink);

  std::string input_name_;
  JournalEntry entry_;
  bool in_entry_ = false;
  uint64_t first_line_ = 0;
  uint64_t last_line_ = 0;
  std::string field_;        // the field being read, empty between fields
  std::string value_;        // its value so far
  size_t value_indent_ = 0;  // the indentation of its continuation lines
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_JOURNAL_VERBOSE_FRAMER_H_
