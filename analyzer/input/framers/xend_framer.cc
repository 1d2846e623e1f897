#include "analyzer/input/framers/xend_framer.h"

#include <utility>

#include "analyzer/input/prefixes/console_prefix.h"
#include "analyzer/input/prefixes/xend_prefix.h"

namespace kdiag {
namespace {

constexpr uint32_t kMaxRecordLines = 10000;
constexpr size_t kMaxRecordBytes = 1 << 20;

}  // namespace

XendFramer::XendFramer(std::string input_name) : input_name_(std::move(input_name)) {}

void XendFramer::Line(std::string_view raw, uint64_t number, const RecordSink& sink) {
  std::string_view line = CleanConsoleLine(raw, &scratch_);
  if (line.find_first_not_of(' ') == std::string_view::npos) return;
  Record record;
  size_t text = 0;
  bool header = ParseXendLine(line, &record, &text);
  if (!header && pending_ && pending_->line_count < kMaxRecordLines &&
      pending_->text.size() + 1 + line.size() <= kMaxRecordBytes) {
    pending_->text += '\n';
    pending_->text.append(line);
    ++pending_->line_count;
    return;
  }
  Flush(sink);
  if (!header) {
    record.source = Source::kUserspace;
    record.program = "xend";
  }
  record.input = input_name_;
  record.line = number;
  record.text.assign(line.substr(text));
  pending_ = std::move(record);
}

void XendFramer::Finish(const RecordSink& sink) {
  Flush(sink);
}

void XendFramer::Flush(const RecordSink& sink) {
  if (!pending_) return;
  Record record = std::move(*pending_);
  pending_.reset();
  sink(std::move(record));
}

bool LooksLikeXendLog(std::string_view head) {
  size_t begin = head.find_first_not_of("\r\n");
  if (begin == std::string_view::npos) return false;
  size_t end = head.find('\n', begin);
  if (end == std::string_view::npos) return false;  // one incomplete line: too little to tell
  std::string_view line = head.substr(begin, end - begin);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  Record probe;
  size_t text = 0;
  return ParseXendLine(line, &probe, &text);
}

}  // namespace kdiag
