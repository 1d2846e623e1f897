// The human report: findings grouped by input and boot, highest severity first, each with its
// count, time span, the first message and the advice inline. Everything taken from the log goes
// through TerminalSafe. Colour only when asked (the CLI decides: a terminal and no NO_COLOR).
#ifndef KDIAG_OUTPUT_TEXT_REPORT_H_
#define KDIAG_OUTPUT_TEXT_REPORT_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/correlate/finding.h"
#include "analyzer/correlate/summary.h"

namespace kdiag {

// Writes the report through `write`, a finding at a time, so the report of a large finding table
// never sits in memory whole. `devices` (output/device_report.h DeviceStoriesText) is printed
// after the findings, before the summary line.
void WriteTextReport(const std::vector<Finding*>& findings, const Summary& summary, bool color,
                     const std::function<void(std::string_view)>& write,
                     std::string_view devices = {});

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_TEXT_REPORT_H_
