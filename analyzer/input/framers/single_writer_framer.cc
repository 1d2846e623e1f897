#include "analyzer/input/framers/single_writer_framer.h"

#include <utility>

#include "analyzer/input/prefixes/console_prefix.h"
#include "analyzer/input/prefixes/prefix_scan.h"
#include "analyzer/input/prefixes/xen_prefix.h"
#include "analyzer/input/prefixes/xenconsoled_prefix.h"

namespace kdiag {

SingleWriterFramer::SingleWriterFramer(std::string input_name, Source source, std::string program,
                                       bool xenconsoled_stamps)
    : input_name_(std::move(input_name)),
      source_(source),
      program_(std::move(program)),
      xenconsoled_stamps_(xenconsoled_stamps) {}

void SingleWriterFramer::Line(std::string_view raw, uint64_t number, const RecordSink& sink) {
  std::string_view line = CleanConsoleLine(raw, &scratch_);
  if (line.find_first_not_of(' ') == std::string_view::npos) return;
  Record record;
  record.input = input_name_;
  record.line = number;
  record.source = source_;
  if (source_ == Source::kUserspace) record.program = program_;
  std::string_view stamp;
  size_t text = 0;
  if (xenconsoled_stamps_ && TakeXenconsoledStamp(line, &stamp, &text)) {
    record.wall_time.assign(stamp);
    if (IsXenconsoledNote(line.substr(text))) {
      record.source = Source::kUserspace;
      record.program = "xenconsoled";
    }
  }
  // The guest's kernel may stamp its lines: "[    1.234567] text" (printk.time).
  if (record.source == Source::kKernel) text += ParseKernelPrefix(line.substr(text), &record);
  record.text.assign(line.substr(text));
  sink(std::move(record));
}

bool LooksLikeXenGuestConsole(std::string_view head) {
  size_t stamped = 0;
  // The last line may be cut by the head's end: only complete lines count.
  for (size_t begin = 0, end; (end = head.find('\n', begin)) != std::string_view::npos;
       begin = end + 1) {
    std::string_view line = head.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::string_view stamp;
    size_t text = 0;
    if (!TakeXenconsoledStamp(line, &stamp, &text)) return false;
    std::string_view copied = line.substr(text);
    Record probe;
    size_t ignored = 0;
    if (ParseXenLine(copied, &probe, &ignored) || ParseGuestLine(copied, &probe, &ignored) ||
        LooksLikeXenBanner(copied)) {
      return false;
    }
    ++stamped;
  }
  return stamped > 0;
}

bool LooksLikeQemuDmLog(std::string_view head) {
  size_t p = 0;
  return scan::Take(head, &p, "domid: ") && scan::TakeNumber(head, &p, 1, 5, nullptr) &&
         (scan::Take(head, &p, "\n") || scan::Take(head, &p, "\r\n"));
}

}  // namespace kdiag
