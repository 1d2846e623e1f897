// The HTML report's stylesheet, script and Content-Security-Policy, embedded at build time by
// cmake/embed_html.cmake from analyzer/output/html_report.css and html_report.js. The policy
// allows exactly these two inline blocks (by their SHA-256) and nothing else.
#ifndef KDIAG_OUTPUT_HTML_ASSETS_H_
#define KDIAG_OUTPUT_HTML_ASSETS_H_

#include <string_view>

namespace kdiag {

std::string_view HtmlStyle();
std::string_view HtmlScript();
std::string_view HtmlPolicy();

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_HTML_ASSETS_H_
