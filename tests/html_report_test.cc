// The HTML report's page as text: nothing a log holds can become markup, the data block carries
// the findings whole, and the page's Content-Security-Policy allows its own script and style by
// their hashes. tests/html_report_browser.py loads pages in a real Chromium.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "analyzer/correlate/finding_device.h"
#include "analyzer/match/sha256.h"
#include "analyzer/output/gzip_base64.h"
#include "analyzer/output/html_assets.h"
#include "analyzer/output/html_report.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::Count;

std::string Page(const std::vector<Finding*>& findings, const Summary& summary = {}) {
  std::string page;
  WriteHtmlReport(findings, summary, [&page](std::string_view s) { page.append(s); });
  return page;
}

std::string FromBase64(std::string_view text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    size_t v = kAlphabet.find(c);
    EXPECT_NE(v, std::string::npos) << "not base64: " << c;
    bits = bits << 6 | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

std::string Gunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2_(&z, 16 + MAX_WBITS, ZLIB_VERSION, static_cast<int>(sizeof(z_stream))),
            Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    char buffer[4096];
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof(buffer);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - z.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&z);
  return out;
}

// The text of the data block, as the browser's textContent gives it, then decoded.
std::string DataBlock(const std::string& page) {
  const std::string open =
      "<script type=\"application/octet-stream\" id=\"kdiag-data\" data-encoding=\"gzip "
      "base64\">";
  size_t begin = page.find(open);
  EXPECT_NE(begin, std::string::npos);
  begin += open.size();
  std::string text = page.substr(begin, page.find("</script>", begin) - begin);
  EXPECT_EQ(
      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
      std::string::npos);
  return Gunzip(FromBase64(text));
}

Rule MakeRule(const std::string& id, Severity severity) {
  Rule r;
  r.id = id;
  r.severity = severity;
  return r;
}

// What a guest can write: the end of the data block, a comment opener, tags with handlers, and
// terminal escapes.
const char kHostile[] =
    "</script><script>document.title='PWNED'</script><!--<img src=x onerror=alert(1)>"
    "</SCRIPT ><svg/onload=alert(2)>\x1b]0;title\x07";

TEST(HtmlReport, LogTextNeverBecomesMarkup) {
  Rule rule = MakeRule("fs.ext4.error", Severity::kError);
  Finding f;
  f.rule = &rule;
  f.count = 2;
  f.input = std::string("evil</script><b>.log");
  f.line = 7;
  f.message = kHostile;
  f.summary = kHostile;
  f.advice = kHostile;
  f.fields = {{"device", "<svg/onload=alert(3)>"}};
  f.merged.push_back({"fs.ext4.remount_ro", 1, 9, kHostile});
  std::string page = Page({&f});
  // The page's own two blocks, and no other.
  EXPECT_EQ(Count(page, "<script"), 2u);
  EXPECT_EQ(Count(page, "</script"), 2u);
  EXPECT_EQ(Count(page, "</SCRIPT"), 0u);
  EXPECT_EQ(Count(page, "<!--"), 0u);
  EXPECT_EQ(Count(page, "<img"), 0u);
  EXPECT_EQ(Count(page, "<svg"), 0u);
  EXPECT_EQ(Count(page, "<b>"), 0u);
  EXPECT_EQ(Count(page, "\x1b"), 0u);

  // The data block is JSON that gives the text back, escapes removed as in the text report.
  std::string data = DataBlock(page);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(data).get(doc), simdjson::SUCCESS) << data;
  std::string_view message, device, input;
  ASSERT_EQ(doc["findings"].at(0)["lines"].at(0)["text"].get(message), simdjson::SUCCESS);
  ASSERT_EQ(doc["findings"].at(0)["device"].get(device), simdjson::SUCCESS);
  ASSERT_EQ(doc["inputs"].at(0).get(input), simdjson::SUCCESS);
  std::string expected = kHostile;
  expected.resize(expected.find('\x1b'));
  EXPECT_EQ(message, expected);
  EXPECT_EQ(device, "<svg/onload=alert(3)>");
  EXPECT_EQ(input, "evil</script><b>.log");
}

TEST(GzipBase64, RoundTripsAnyBytesInAnyPieces) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");  // RFC 4648, section 10
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  std::string text;
  for (int i = 0; i < 200000; ++i) text.push_back(static_cast<char>(i * 7919 % 251));
  for (size_t piece : {1, 3, 1000, 70000}) {
    std::string encoded;
    GzipBase64 gz([&encoded](std::string_view s) { encoded.append(s); });
    for (size_t at = 0; at < text.size(); at += piece)
      gz.Add(std::string_view(text).substr(at, piece));
    gz.Finish();
    EXPECT_EQ(encoded.size() % 4, 0u);
    EXPECT_EQ(Gunzip(FromBase64(encoded)), text) << piece;
  }
}

TEST(HtmlReport, AdviceRulesAndInputsAreWrittenOnce) {
  Rule rule = MakeRule("xen.pciback.ro_config_write", Severity::kWarning);
  std::vector<Finding> findings(50);
  std::vector<Finding*> pointers;
  for (size_t i = 0; i < findings.size(); ++i) {
    findings[i].rule = &rule;
    findings[i].input = "dmesg.log";
    findings[i].advice = "A long piece of advice that 50 findings share.";
    findings[i].fields = {{"bdf", "0000:13:04." + std::to_string(i % 8)}};
    findings[i].first_us = static_cast<int64_t>(i) * 1000000;
    pointers.push_back(&findings[i]);
  }
  Summary summary;
  summary.findings = 50;
  std::string page = Page(pointers, summary);
  std::string data = DataBlock(page);
  EXPECT_EQ(Count(data, "A long piece of advice"), 1u);
  EXPECT_EQ(Count(data, "xen.pciback.ro_config_write"), 1u);
  EXPECT_EQ(Count(data, "dmesg.log"), 1u);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(data).get(doc), simdjson::SUCCESS);
  simdjson::dom::array list;
  ASSERT_EQ(doc["findings"].get(list), simdjson::SUCCESS);
  EXPECT_EQ(list.size(), 50u);
  std::string_view severity, device;
  ASSERT_EQ(doc["rules"].at(0)["severity"].get(severity), simdjson::SUCCESS);
  EXPECT_EQ(severity, "warning");
  ASSERT_EQ(doc["findings"].at(9)["device"].get(device), simdjson::SUCCESS);
  EXPECT_EQ(device, "0000:13:04.1");
  double first = 0;
  ASSERT_EQ(doc["findings"].at(9)["first"].get(first), simdjson::SUCCESS);
  EXPECT_EQ(first, 9.0);
}

std::string Base64Of(const Sha256::Digest& d) {
  return Base64(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

// cmake/embed_html.cmake hashes the stylesheet and script; the browser refuses them if the
// policy's hashes are not theirs.
TEST(HtmlReport, PolicyAllowsExactlyThePagesOwnScriptAndStyle) {
  std::string policy(HtmlPolicy());
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(policy.find("script-src 'sha256-" + Base64Of(Sha256::Of(HtmlScript())) + "'"),
            std::string::npos)
      << policy;
  EXPECT_NE(policy.find("style-src 'sha256-" + Base64Of(Sha256::Of(HtmlStyle())) + "'"),
            std::string::npos)
      << policy;
  EXPECT_EQ(policy.find("unsafe"), std::string::npos);
  std::string page = Page({});
  EXPECT_NE(page.find("<meta http-equiv=\"Content-Security-Policy\" content=\"" + policy + "\">"),
            std::string::npos);
  EXPECT_NE(page.find("<script>" + std::string(HtmlScript()) + "</script>"), std::string::npos);
  EXPECT_NE(page.find("<style>" + std::string(HtmlStyle()) + "</style>"), std::string::npos);
  // Nothing is fetched: no URL in the page.
  EXPECT_EQ(Count(page, "http://") + Count(page, "https://") + Count(page, "src="), 0u);
}

TEST(FindingDevice, NamesTheBdfDiskOrNetdev) {
  Finding f;
  f.fields = {{"driver", "e1000e"}, {"iface", "eth0"}, {"bdf", "0000:00:19.0"}};
  EXPECT_EQ(FindingDevice(f), "0000:00:19.0");
  f.fields = {{"hctl", "0:0:0:0"}, {"disk", "sda"}};
  EXPECT_EQ(FindingDevice(f), "sda");
  f.fields = {{"driver", "igb"}, {"iface", "enp3s0"}};
  EXPECT_EQ(FindingDevice(f), "enp3s0");
  f.fields = {{"kind", "I/O"}, {"dev", "nvme0n1"}};
  EXPECT_EQ(FindingDevice(f), "nvme0n1");
  f.fields = {{"device", "dm-0"}, {"function", "ext4_find_entry"}};
  EXPECT_EQ(FindingDevice(f), "dm-0");
  f.fields = {{"domain", "3"}, {"pte", "800000012345067"}};
  EXPECT_EQ(FindingDevice(f), "");
  // A PCI function has one name whatever the writer's spelling (libxl's, Xen's), the one that
  // the device stories use.
  f.fields = {{"device", "0:3:4.0"}, {"rc", "-3"}};
  EXPECT_EQ(FindingDevice(f), "0000:03:04.0");
  f.fields = {{"bdf", "03:00.1"}, {"iface", "eth1"}};
  EXPECT_EQ(FindingDevice(f), "0000:03:00.1");
  f.fields = {{"seg", "0"}, {"bus", "3"}, {"slot", "0"}, {"func", "1"}};
  EXPECT_EQ(FindingDevice(f), "0000:03:00.1");
}

TEST(HtmlReportCli, OutputHtmlAndHtmlFile) {
  const std::string log = std::string(KDIAG_CORPUS_DIR) + "/founding-case/dmesg.log";
  testing::RunResult html = testing::RunKdiag({"--output", "html", log});
  EXPECT_EQ(html.status, 0) << html.err;
  EXPECT_EQ(html.out.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_NE(DataBlock(html.out).find("xen.pciback.ro_config_write"), std::string::npos);

  // --html FILE: the page there, the text report on stdout, as without it.
  std::string dir = testing::TempDir();
  testing::RunResult text = testing::RunKdiag({log});
  testing::RunResult both = testing::RunKdiag({"--html", dir + "/report.html", log});
  EXPECT_EQ(both.status, 0) << both.err;
  EXPECT_EQ(both.out, text.out);
  EXPECT_EQ(testing::ReadFile(dir + "/report.html"), html.out);

  testing::RunResult missing = testing::RunKdiag({"--html", dir + "/no/such/dir/r.html", log});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no/such/dir/r.html"), std::string::npos) << missing.err;
}

TEST(HtmlReportCli, RefusesWhatMakesNoSense) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--html", "r.html", "--follow", "x.log"},
                                             {"--html", "r.html", "--emit", "xl", "x.log"},
                                             {"--output", "html", "--follow", "x.log"}}) {
    testing::RunResult r = testing::RunKdiag(args);
    EXPECT_EQ(r.status, 2) << args[0] << " " << args[2];
    EXPECT_NE(r.err.find("kdiag: "), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace kdiag
