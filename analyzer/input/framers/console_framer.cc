// ConsoleFramer: which shape each line has, and which lines belong to one record.
//
// Prefix parsing lives in console_prefix.cc, xen_prefix.cc, syslog_prefix.cc and the Xen host's
// parsers (xenconsoled_, xend_, libvirt_, xtl_ and xen_debug_prefix.cc); this file decides the
// order in which shapes are tried and joins continuation lines. The order matters only where
// shapes share a first byte: "(XEN) " and "(dN) " are unambiguous; xenconsoled's stamp and xend's
// "[date time pid]" need a four-digit year right after '[', which no kernel stamp has; a syslog
// header needs a month name or an RFC 3339 stamp (with 'T') followed by "host tag: "; libvirt's
// and xentoollog's stamps have a space where RFC 3339 has 'T', and an undated xentoollog line
// needs a known context and level; a gdprintk() location is tried only on a line no other shape
// took; everything else is kernel text with an optional dmesg/console prefix. xenconsoled's stamp
// is taken once, at the start of the line: the line it copied is then framed like any other,
// never stripped of a second stamp.
//
// Continuation lines (util-linux dmesg print_record(), journalctl short modes): a message with
// embedded newlines is printed with every later line indented by as many spaces as the first
// line's prefix took. So a line that starts with at least that many spaces, right after a record
// whose prefix had that width, continues it; exactly the indentation is removed. Blank lines
// never make records: util-linux writes an empty continuation line as indentation only, and tools
// that trim trailing spaces reduce that to nothing, so a blank line is held and becomes an empty
// continuation line only if a continuation line follows it; otherwise it is dropped. Xen repeats
// "(XEN) " on every line and the kernel console repeats its prefix, so Xen and guest records, and
// records without any prefix, never take continuation lines. A record stops taking continuation
// lines at kMaxRecordLines lines or kMaxRecordBytes of text, so hostile input (a million indented
// lines after one prefixed line) cannot grow one record without bound; the lines past the limit
// become records of their own.
#include "analyzer/input/framers/console_framer.h"

#include <utility>

#include "analyzer/input/prefixes/console_prefix.h"
#include "analyzer/input/prefixes/libvirt_prefix.h"
#include "analyzer/input/prefixes/syslog_prefix.h"
#include "analyzer/input/prefixes/xen_debug_prefix.h"
#include "analyzer/input/prefixes/xen_prefix.h"
#include "analyzer/input/prefixes/xenconsoled_prefix.h"
#include "analyzer/input/prefixes/xend_prefix.h"
#include "analyzer/input/prefixes/xtl_prefix.h"

namespace kdiag {
namespace {

constexpr uint32_t kMaxRecordLines = 10000;
constexpr size_t kMaxRecordBytes = 1 << 20;

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(' ') == line.npos;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Where a kernel console stamp "[%5lu.%06lu]" (kernel/printk/printk.c print_time) starts after
// other text on the line, or 0.
size_t KernelStampAfterText(std::string_view line) {
  for (size_t p = line.find('[', 1); p != std::string_view::npos; p = line.find('[', p + 1)) {
    size_t i = p + 1;
    while (i < line.size() && line[i] == ' ') ++i;
    size_t digits = i;
    while (i < line.size() && IsDigit(line[i])) ++i;
    if (i == digits || i >= line.size() || line[i] != '.') continue;
    size_t frac = ++i;
    while (i < line.size() && IsDigit(line[i])) ++i;
    if (i - frac == 6 && i < line.size() && line[i] == ']') return p;
  }
  return 0;
}

}  // namespace

ConsoleFramer::ConsoleFramer(std::string input_name) : input_name_(std::move(input_name)) {}

void ConsoleFramer::Line(std::string_view raw, uint64_t number, const RecordSink& sink) {
  std::string_view line = CleanConsoleLine(raw, &scratch_);
  if (IsContinuation(line)) {
    AppendContinuation(line);
    return;
  }
  if (IsBlank(line)) {
    if (pending_) ++held_blank_lines_;
    return;
  }
  Flush(sink);
  if (line[0] == '-') {
    std::string id;
    switch (ParseJournalctlMarker(line, &id)) {
      case JournalctlMarker::kBoot:
        boot_start_ = true;
        boot_id_ = std::move(id);
        return;
      case JournalctlMarker::kNote: {
        int year = 0, month = 0;
        if (JournalctlHeaderDate(line, &year, &month)) year_.SetFirstDate(year, month);
        return;
      }
      case JournalctlMarker::kNone:
        break;
    }
  }
  size_t width = 0;
  Record record = Frame(line, number, &width);
  // A serial console interleaves other writers with the kernel: a login prompt, or a kernel line
  // printed without its newline ("** 3601 printk messages dropped **"), runs into the next kernel
  // line: "syzkaller login: [  417.725670] rcu: INFO: ...". A line with no prefix of its own that
  // holds a kernel stamp later on is two records: the text before the stamp, and the kernel line.
  // (A line starting with '<' is a malformed priority prefix, kept whole as text.)
  if (width == 0 && record.source == Source::kKernel && record.text.size() == line.size() &&
      line[0] != '<') {
    if (size_t at = KernelStampAfterText(line)) {
      record.text.resize(at);
      sink(std::move(record));
      record = Frame(line.substr(at), number, &width);
    }
  }
  if (width == 0) {
    sink(std::move(record));
    return;
  }
  pending_ = std::move(record);
  pending_prefix_width_ = width;
}

void ConsoleFramer::Finish(const RecordSink& sink) {
  Flush(sink);
}

const std::vector<std::string>* ConsoleFramer::PassOverLiterals() const {
  // Lines WallClock needs even when no rule matches them (input/wall_clock.h): the RTC anchor and
  // the suspend and resume lines. Passed over, a console log lost its anchor without --records.
  static const std::vector<std::string> literals{"\x1b", "Linux version ",
                                                 "setting system clock to ", "PM: "};
  return &literals;
}

bool ConsoleFramer::PlainKernelLine(std::string_view line, int next, const RecordSink& sink,
                                    int64_t* time_us) {
  // The next line must start a record of its own: not indented (a continuation), not blank (held
  // in case a continuation follows), not one whose escape sequences could hide either.
  if (next < 0 || next == ' ' || next == '\n' || next == '\r' || next == '\x1b') return false;
  // Frame() would set a boot id or boot start, or try the line as short-monotonic syslog.
  if (monotonic_headers_ || boot_start_ || !boot_id_.empty()) return false;
  if (line.empty() || line.back() == '\r') return false;
  // Kernel text with the console stamp: Frame() tries Xen, guest and syslog shapes first, none of
  // which starts with '[' unless it is short-monotonic (checked like TakeStampedHeader does).
  if (!TakeConsoleStamp(line, time_us) || LooksLikeMonotonicHeader(line)) return false;
  Flush(sink);
  return true;
}

Record ConsoleFramer::Frame(std::string_view line, uint64_t number, size_t* continuation_width) {
  Record record;
  record.input = input_name_;
  record.line = number;
  *continuation_width = 0;
  std::string_view copied_at;
  size_t text = 0;
  if (TakeXenconsoledStamp(line, &copied_at, &text)) {
    // xenconsoled's log of the Xen or a guest console: the copied line has a shape of its own.
    // Every copied line carries the stamp, so none is a continuation line of another.
    size_t ignored_width = 0;
    if (IsXenconsoledNote(line.substr(text))) {
      record.source = Source::kUserspace;
      record.program = "xenconsoled";
    } else {
      text += FrameShape(line.substr(text), true, &record, &ignored_width);
    }
    if (record.wall_time.empty()) record.wall_time.assign(copied_at);
  } else {
    text = FrameShape(line, false, &record, continuation_width);
  }
  record.text.assign(line.substr(text));
  record.boot_marker =
      record.source == Source::kKernel && StartsWith(record.text, "Linux version ");
  int month = 0, day = 0;
  if (!record.wall_time.empty() && YearlessMonthDay(record.wall_time, &month, &day)) {
    record.wall_year = year_.Year(month, day);
  }
  if (!boot_id_.empty()) record.boot_id = boot_id_;
  record.boot_start = boot_start_;
  boot_start_ = false;
  return record;
}

size_t ConsoleFramer::FrameShape(std::string_view line, bool copied_by_xenconsoled, Record* record,
                                 size_t* continuation_width) {
  // xenconsoled copies only console output: Xen's lines, relayed guest lines, the banner, and a
  // console's own text (dom0 with console_to_ring, or a guest's console). A copied line that
  // reads like a syslog, toolstack or bare gdprintk() line is text someone printed, not that.
  bool console_only = copied_by_xenconsoled;
  size_t text = 0;
  if (ParseXenLine(line, record, &text)) {
    seen_xen_line_ = true;
  } else if (ParseGuestLine(line, record, &text)) {
    // relayed guest console: the text is the guest's, left as written
  } else if (!console_only && ParseXendLine(line, record, &text)) {
    // xend.log pasted among other lines; xend_framer.h reads whole files with their tracebacks
  } else if (!console_only &&
             ParseSyslogLine(line, record, &text, continuation_width, &monotonic_headers_)) {
    // wall_time, host, and source from the tag
  } else if (!console_only &&
             (ParseLibvirtLine(line, record, &text) || ParseXtlLine(line, record, &text))) {
    // the toolstack's own logs: libvirt's libxl driver, xl / libxl / libxc through xentoollog
  } else if ((copied_by_xenconsoled || !seen_xen_line_) && LooksLikeXenBanner(line)) {
    // xl dmesg and serial captures open with Xen's banner, written without "(XEN) ": a Xen record
    // with the line as its text. In xenconsoled's hypervisor.log it may follow "(XEN) " lines.
    record->source = Source::kXen;
  } else if (!console_only && LooksLikeXenDebugLine(line)) {
    // a gdprintk() line without its "(XEN) ": the hypervisor's, text whole
    record->source = Source::kXen;
  } else {
    text = ParseKernelPrefix(line, record);
    *continuation_width = text;
  }
  return text;
}

bool ConsoleFramer::IsContinuation(std::string_view line) const {
  if (!pending_ || pending_prefix_width_ == 0 || line.size() < pending_prefix_width_) return false;
  if (pending_->line_count + held_blank_lines_ >= kMaxRecordLines ||
      pending_->text.size() + held_blank_lines_ + line.size() > kMaxRecordBytes) {
    return false;
  }
  for (size_t i = 0; i < pending_prefix_width_; ++i) {
    if (line[i] != ' ') return false;
  }
  return true;
}

void ConsoleFramer::AppendContinuation(std::string_view line) {
  pending_->text.append(held_blank_lines_, '\n');
  pending_->line_count += held_blank_lines_;
  held_blank_lines_ = 0;
  pending_->text += '\n';
  pending_->text.append(line.substr(pending_prefix_width_));
  ++pending_->line_count;
}

void ConsoleFramer::Flush(const RecordSink& sink) {
  held_blank_lines_ = 0;
  if (!pending_) return;
  Record record = std::move(*pending_);
  pending_.reset();
  pending_prefix_width_ = 0;
  sink(std::move(record));
}

}  // namespace kdiag
