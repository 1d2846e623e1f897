// Framers: physical lines of one log shape in, records out.
//
// The input stage splits bytes into lines (line_reader.h) and hands each line to a framer. A
// framer may hold a record back until it knows the record is complete (util-linux dmesg indents
// a message's continuation lines; the next unindented line ends it), so records leave through a
// sink and Finish() flushes what is held. New formats (kmsg, journald, ...) are new framers.
#ifndef KDIAG_INPUT_FRAMER_H_
#define KDIAG_INPUT_FRAMER_H_

#include <cstdint>
#include <functional>
#include <string_view>

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
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMER_H_
