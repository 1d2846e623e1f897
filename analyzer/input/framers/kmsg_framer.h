// KmsgFramer: /dev/kmsg records, as read from the device, dumped with `dd if=/dev/kmsg`, saved
// by `dmesg -K` (util-linux --kmsg-file) or sent by netconsole's extended mode.
//
// Linux Documentation/ABI/testing/dev-kmsg, kernel/printk/printk.c info_print_ext_header() and
// msg_add_ext_text(): every record is
//   "prio,seq,usec,flag[,more...];message\n"
// followed by dictionary lines " KEY=value\n" (SUBSYSTEM, DEVICE). prio = facility<<3 | level;
// usec is the time since boot in microseconds; flag is '-' or 'c' (a continuation fragment; older
// kernels also wrote '+'); "caller=T123" / "caller=C3" (CONFIG_PRINTK_CALLER) may be among the
// comma fields, and the ABI says readers must ignore the fields they do not know. Message and
// dictionary bytes < 0x20, >= 0x7f and '\' are written as "\x%02x" (so a message's newline is
// "\x0a"); the framer decodes them. `dmesg -K` files put a NUL byte between records.
#ifndef KDIAG_INPUT_FRAMERS_KMSG_FRAMER_H_
#define KDIAG_INPUT_FRAMERS_KMSG_FRAMER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/input/framers/framer.h"

namespace kdiag {

// The header of one record's first line.
struct KmsgHeader {
  int priority = 0;         // facility<<3 | level
  uint64_t seq = 0;         // sequence number: a gap means records were overwritten
  int64_t usec = 0;         // time since boot
  char flag = '-';          // '-', 'c' (continuation fragment) or '+' (older kernels)
  std::string_view caller;  // "T123" / "C3", or empty
  size_t text = 0;          // offset of the (still escaped) message after ';'
};

// Parses "prio,seq,usec,flag[,field...];" at the start of `line`; false when it is not one.
bool ParseKmsgHeader(std::string_view line, KmsgHeader* header);

// Appends `escaped` to *out with every "\xHH" turned back into its byte.
void AppendKmsgUnescaped(std::string_view escaped, std::string* out);

// True when the first record of `head` (the first non-empty line or NUL-separated chunk) has a
// kmsg header, and so has the next record if `head` holds it whole.
bool LooksLikeKmsg(std::string_view head);

// Records keep the header's level, facility, time and caller and the decoded message. Continuation
// fragments (flag 'c') stay records of their own: the kernel wrote them as separate records and
// joining them would guess at intent. Dictionary lines are counted in line_count; SUBSYSTEM= and
// DEVICE= (unescaped, the first of each, at most kMaxDictionaryValue bytes) become the record's
// subsystem and device, other keys are ignored.
//
// A line that is not a kmsg header becomes a plain-text record (text as is), so no data is lost.
// The one exception is a `dmesg -K` file: there a record runs from one NUL to the next, and lines
// inside it that are neither a header nor a dictionary line are raw newlines of the message
// (util-linux's cid-kmsg-newlines), appended to its text with '\n'. Until the first NUL or the
// second header shows which kind of file this is, such lines are held back.
class KmsgFramer : public Framer {
 public:
  explicit KmsgFramer(std::string input_name);
  void Line(std::string_view line, uint64_t number, const RecordSink& sink) override;
  void Finish(const RecordSink& sink) override;

 private:
  enum class Separator { kUnknown, kNewline, kNul };

  // One NUL-free piece of a line; `after_nul` when a NUL came right before it.
  void Piece(std::string_view piece, uint64_t number, bool after_nul, const RecordSink& sink);
  void Start(std::string_view piece, uint64_t number);
  bool CanAppend(std::string_view line) const;
  void Append(std::string_view line);
  // The held lines: message lines of the pending record (NUL-separated) or plain records.
  void ReleaseHeld(const RecordSink& sink);
  void Flush(const RecordSink& sink);

  std::string input_name_;
  Separator separator_ = Separator::kUnknown;
  std::optional<Record> pending_;                       // held until the next record starts
  bool pending_parsed_ = false;                         // pending_ had a kmsg header
  std::vector<std::pair<std::string, uint64_t>> held_;  // lines of undecided role, with numbers
  size_t held_bytes_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_KMSG_FRAMER_H_
