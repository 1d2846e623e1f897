// libFuzzer targets for the parsers of everything kdiag reads besides logs (KDIAG_FUZZ_PARSER,
// built once per parser by fuzz/CMakeLists.txt), and for the escaping of what it prints:
//   rule_file      a rule file (TOML with RE2 patterns): ParseRuleFile
//   config         a config file (TOML: flag values, [[suppress]], [rule."ID"]): ParseConfigFile,
//                  then a Suppressor built from its entries and asked about a finding
//   sxp_merge      an xend-pci-quirks.sxp to merge into (MergeXendQuirks, then XendQuirksFor)
//   lspci          saved lspci output (ReadLspci)
//   pci_ids        a pci.ids database (PciIds::LoadText, Lookup)
//   output_escape  text from a log on its way to the terminal and to NDJSON (TerminalSafe,
//                  TerminalSafeLine, AppendJsonString)
//   html_report    text from a log in every place the HTML report shows it (WriteHtmlReport)
// Besides ASan and UBSan, each checks what its parser promises, so a wrong answer fails here and
// not only a crash: a merge is idempotent and xend would then find the merged field; escaped text
// holds no escape sequence or control byte and is valid UTF-8; the HTML page has only its own
// markup, and its data block is base64 and nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/config/config_file.h"
#include "analyzer/config/suppression.h"
#include "analyzer/correlate/pci_ids.h"
#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/input/hex.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/output/html_report.h"
#include "analyzer/output/json_writer.h"
#include "analyzer/output/terminal_safe.h"
#include "analyzer/output/utf8.h"
#include "analyzer/remedy/quirk.h"

#ifndef KDIAG_FUZZ_PARSER
#error "KDIAG_FUZZ_PARSER names the parser to fuzz"
#endif

namespace {

// Aborts naming the promise that did not hold.
#define Check(ok) CheckThat((ok), #ok)
void CheckThat(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "parser_fuzzer: check failed: %s\n", what);
  std::abort();
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t n = kdiag::Utf8SequenceAt(s, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void RuleFile(std::string_view text) {
  std::vector<kdiag::Rule> rules;
  if (kdiag::ParseRuleFile(text, "fuzz.toml", &rules)) return;
  for (const kdiag::Rule& r : rules) {
    Check(!r.id.empty());
    Check(!r.patterns.empty());
  }
}

// What parses is usable: every suppression has a rule and a reason, a well-formed expiry date and
// a pattern RE2 accepts (the Suppressor compiles it again and must not fail), every flag value a
// name.
void Config(std::string_view text) {
  kdiag::ConfigFile config;
  if (kdiag::ParseConfigFile(text, "fuzz-config.toml", &config)) return;
  for (const kdiag::FlagDefault& d : config.defaults) Check(!d.flag.empty());
  for (const kdiag::Suppression& s : config.suppressions) {
    Check(!s.rule.empty() && !s.reason.empty());
    Check(s.expires.empty() || (s.expires.size() == 10 && s.expires[4] == '-'));
  }
  std::vector<std::string> notices;
  kdiag::Suppressor suppressor(config.suppressions, "2026-06-15", &notices);
  Check(notices.size() <= config.suppressions.size());
  (void)suppressor.Suppresses("net.link.down", "e1000e: eth0 NIC Link is Down",
                              {{"iface", "eth0"}});
}

void SxpMerge(std::string_view text) {
  kdiag::QuirkNeed need;
  need.bdf = *kdiag::Bdf::Parse("0000:13:04.0");
  need.id = kdiag::PciId{0x8086, 0x10b5, std::nullopt, std::nullopt};
  need.field = *kdiag::QuirkField::Parse("0xe0", "2");
  need.reported_by = "fuzz.log:1";
  kdiag::MergeResult once;
  if (kdiag::MergeXendQuirks(text, "fuzz.sxp", {need}, &once)) return;
  // xend reads the merged file and finds the field for the device...
  std::optional<std::vector<std::string>> fields = kdiag::XendQuirksFor(once.text, *need.id);
  Check(fields.has_value());
  // The same field as pciback reads it: "REG:SIZE:MASK", each plain hex ("000000e0:2:0" is
  // 0xe0, size 2 to pciback's quirks store as much as "000000e0:2:00000000").
  auto same_field = [&need](std::string_view f) {
    size_t a = f.find(':'), b = a == f.npos ? f.npos : f.find(':', a + 1);
    if (b == f.npos) return false;
    auto reg = kdiag::ParseHex(f.substr(0, a), 8);
    auto size = kdiag::ParseHex(f.substr(a + 1, b - a - 1), 8);
    auto mask = kdiag::ParseHex(f.substr(b + 1), 8);
    return reg && size && mask && *reg == need.field.reg && *size == need.field.size;
  };
  bool found = false;
  for (const std::string& f : *fields) found = found || same_field(f);
  Check(found);
  // ...and merging again changes nothing.
  kdiag::MergeResult twice;
  Check(!kdiag::MergeXendQuirks(once.text, "fuzz.sxp", {need}, &twice));
  Check(twice.fields_added == 0 && twice.stanzas_added == 0);
  Check(twice.text == once.text);
}

void Lspci(std::string_view text) {
  kdiag::PciInventory inventory;
  (void)kdiag::ReadLspci(text, "fuzz-lspci.txt", &inventory);
}

void PciIdsDatabase(std::string_view text) {
  kdiag::PciIds ids;
  ids.LoadText(std::string(text));
  (void)ids.Lookup(kdiag::PciId{0x8086, 0x10b5, std::nullopt, std::nullopt});
  (void)ids.Lookup(kdiag::PciId{0x8086, 0x10b5, 0x103c, 0x3109});
}

void OutputEscape(std::string_view text) {
  for (const std::string& safe : {kdiag::TerminalSafe(text), kdiag::TerminalSafeLine(text)}) {
    Check(ValidUtf8(safe));
    for (unsigned char c : safe) Check(c >= 0x20 ? c != 0x7f : c == '\n' || c == '\t');
    for (size_t i = 0; i + 1 < safe.size(); ++i) {  // no C1 control (U+0080..U+009F)
      Check(!(static_cast<unsigned char>(safe[i]) == 0xc2 &&
              static_cast<unsigned char>(safe[i + 1]) < 0xa0));
    }
  }
  Check(kdiag::TerminalSafeLine(text).find_first_of("\n\t") == std::string::npos);
  std::string json;
  kdiag::AppendJsonString(text, &json);
  Check(json.size() >= 2 && json.front() == '"' && json.back() == '"');
  Check(ValidUtf8(json));
  for (unsigned char c : json) Check(c >= 0x20);
}

size_t Occurrences(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The text as every string the page shows (the input's name, the device, the summary, the
// message, the advice, a merged rule's message, a crash's title and frames), cut in two so a
// finding has two different texts.
void HtmlReport(std::string_view text) {
  std::string a(text.substr(0, text.size() / 2)), b(text.substr(text.size() / 2));
  kdiag::Rule rule;
  rule.id = "fuzz.rule";
  rule.severity = kdiag::Severity::kError;
  kdiag::Finding f;
  f.rule = &rule;
  f.count = 3;
  f.input = a;
  f.first_us = 1000000;
  f.fields = {{"device", b}};
  f.summary = b;
  f.message = a;
  f.advice = b;
  f.merged.push_back({"fuzz.other", 1, 2, b});
  f.crash = kdiag::CrashReport{a, "BUG", b, false, {a, b}};
  kdiag::Finding g = f;
  g.input = b;
  g.message = b;
  g.advice = a;
  kdiag::Summary summary;
  summary.findings = 2;
  std::string page;
  kdiag::WriteHtmlReport({&f, &g}, summary, [&page](std::string_view s) { page.append(s); });
  std::string empty;
  kdiag::WriteHtmlReport({}, summary, [&empty](std::string_view s) { empty.append(s); });
  // Only the page's own markup: as many '<' as the page without findings has.
  Check(Occurrences(page, "<") == Occurrences(empty, "<"));
  Check(Occurrences(page, "</script") == 2);
  const std::string_view open = "data-encoding=\"gzip base64\">";
  size_t begin = page.find(open);
  Check(begin != std::string::npos);
  begin += open.size();
  std::string_view data(page);
  data = data.substr(begin, page.find("</script>", begin) - begin);
  Check(
      data.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
      std::string_view::npos);
  Check(data.size() % 4 == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view parser = KDIAG_FUZZ_PARSER;
  if (parser == "rule_file") RuleFile(text);
  if (parser == "config") Config(text);
  if (parser == "sxp_merge") SxpMerge(text);
  if (parser == "lspci") Lspci(text);
  if (parser == "pci_ids") PciIdsDatabase(text);
  if (parser == "output_escape") OutputEscape(text);
  if (parser == "html_report") HtmlReport(text);
  return 0;
}
