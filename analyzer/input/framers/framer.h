// Framers: physical lines of one log shape in, records out.
//
// The input stage splits bytes into lines (line_reader.h) and hands each line to a framer. A
// framer may hold a record back until it knows the record is complete (util-linux dmesg indents
// a message's continuation lines; the next unindented line ends it), so records leave through a
// sink and Finish() flushes what is held. New formats (kmsg, journald, ...) are new framers.
#ifndef KDIAG_INPUT_FRAMERS_FRAMER_H_
#define KDIAG_INPUT_FRAMERS_FRAMER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/input/record.h"

namespace kdiag {

using RecordSink = std::function<void(Record&&)>;

class Framer {
 public:
  virtual ~Framer() = default;
  // One physical line without its '\n' (a trailing '\r' may still be there). `number` is 1-based.
  virtual void Line(std::string_view line, uint64_t number, const RecordSink& sink) = 0;
  // End of input: emit anything held back.
  virtual void Finish(const RecordSink& sink) = 0;
  // When the input was last written (seconds since the epoch, 0: now), for renderings whose
  // stamps leave the year out (syslog_year.h). Called before the first line.
  virtual void SetReferenceTime(int64_t /*unix_seconds*/) {}
  // True for text a logger appends line by line through the page cache (syslog files, console
  // captures, journalctl's text): there a run of NUL bytes is a hole where writes were lost
  // (correlate/boot_ends.h), and the pipeline frames the text on either side of it. False for
  // formats in which a NUL is data (the journal export format's binary fields).
  virtual bool LinesOfText() const { return false; }

  // Passing over lines no rule can match (line_reader.h's Line::candidate false). A framer that
  // can returns the literals that make a line a candidate for its own reasons, in addition to the
  // rules' (a line it must frame to keep its own state right); null when it never passes over.
  virtual const std::vector<std::string>* PassOverLiterals() const { return nullptr; }
  // Before a line without any candidate literal: true when the line starts a kernel record that
  // ends with it (`next`, Line::next, shows that no continuation follows) and whose record would
  // carry nothing but its kernel time, *time_us; the record held back is then emitted first, as
  // Line() would. The caller may then pass over the line (account for a kernel record with that
  // time) or frame it with Line() as usual. False leaves everything unchanged.
  virtual bool PlainKernelLine(std::string_view /*line*/, int /*next*/, const RecordSink& /*sink*/,
                               int64_t* /*time_us*/) {
    return false;
  }
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_FRAMER_H_
