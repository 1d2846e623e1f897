// The human report.
//
// It starts with an overview: how many problems, by severity and by rule, and what could not be
// read. Findings of severity info are facts worth showing, not problems: they are listed and
// counted apart. Then every finding, across all inputs and boots, most severe first (ties keep
// the order of the inputs, boots and first events); each names its input and boot, its count,
// time span, the first message and the advice inline. The report fits the terminal (wrap.h):
// wrapped at word boundaries to its width, commands never broken. Everything taken from the log
// goes through TerminalSafe. Colour only when asked (the CLI decides: --color).
//
// "No problems found" is said only when every input was read: otherwise the report says what was
// not read, since a log kdiag could not read may hold the problem.
#ifndef KDIAG_OUTPUT_TEXT_REPORT_H_
#define KDIAG_OUTPUT_TEXT_REPORT_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/correlate/finding.h"
#include "analyzer/correlate/summary.h"
#include "analyzer/output/wrap.h"

namespace kdiag {

struct TextReportOptions {
  bool color = false;
  size_t width = kDefaultColumns;
  // Inputs that could not be read (or not whole), one line each: "name: why".
  std::vector<std::string> unread;
  // Files of directories that were not read because they are not logs: "name: why".
  std::vector<std::string> skipped;
  // The devices' stories (output/device_report.h DeviceStoriesText), printed after the findings,
  // before the summary line.
  std::string devices;
};

// Writes the report through `write`, a finding at a time, so the report of a large finding table
// never sits in memory whole.
void WriteTextReport(const std::vector<Finding*>& findings, const Summary& summary,
                     const TextReportOptions& options,
                     const std::function<void(std::string_view)>& write);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_TEXT_REPORT_H_
