// The HTML report: one self-contained page (no network, no external font or script) with a
// timeline per boot, every finding's rule, severity and device, filters by severity, rule and
// device, and each finding's advice and log lines (input:line) a click away.
//
// How it stays safe with text a guest wrote. The page is a fixed skeleton, a stylesheet and a
// script (analyzer/output/html_report.{css,js}, embedded with the SHA-256 hashes its
// Content-Security-Policy allows them by), and the findings as one JSON document, gzip-compressed
// and base64-encoded (gzip_base64.h) in a <script type="application/octet-stream"> block, which
// the browser never runs. Nothing from a log is written as markup: the JSON comes from the one
// JSON writer (json_writer.h), after the text went through TerminalSafe as in the text report, and
// base64 has no '<', so no log text can close the block ("</script>") or open a comment ("<!--").
// The script puts text on the page with textContent only, never as HTML. Even a script that got
// in would be refused by the policy, which allows only the page's own blocks.
//
// Size: rule ids, input names and advice are written once each and referred to by index, advice
// as its lines, each distinct line once; then the whole is compressed. 10,000 findings of the
// founding case's rule (a text report of 44 MB) make a page of about 1 MB.
#ifndef KDIAG_OUTPUT_HTML_REPORT_H_
#define KDIAG_OUTPUT_HTML_REPORT_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/correlate/finding.h"
#include "analyzer/correlate/summary.h"

namespace kdiag {

// Writes the page through `write`, the findings' data a finding at a time.
void WriteHtmlReport(const std::vector<Finding*>& findings, const Summary& summary,
                     const std::function<void(std::string_view)>& write);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_HTML_REPORT_H_
