#include "analyzer/input/framers/dmesg_json_framer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/input/framers/console_framer.h"
#include "analyzer/input/framers/format.h"
#include "analyzer/input/framers/journal_fields.h"
#include "analyzer/input/framers/kmsg_framer.h"
#include "conformance.h"
#include "pipeline_run.h"

namespace kdiag {
namespace {

std::vector<Record> Frame(std::string_view text) {
  DmesgJsonFramer framer("dmesg.json");
  return testing::FrameText(&framer, text);
}

// `dmesg --json` as util-linux writes it (lib/jsonwrt.c indentation).
const char kPretty[] =
    "{\n"
    "   \"dmesg\": [\n"
    "      {\n"
    "         \"pri\": 6,\n"
    "         \"time\":     0.000000,\n"
    "         \"caller\": \"T1\",\n"
    "         \"msg\": \"Linux version 6.6.4-arch1-1 (linux@archlinux)\"\n"
    "      },{\n"
    "         \"pri\": 12,\n"
    "         \"time\":  1234.000001,\n"
    "         \"caller\": \"C3\",\n"
    "         \"msg\": \"Command line: initrd=\\\\ucode.img \\\"q\\\" tab\\there\"\n"
    "      }\n"
    "   ]\n"
    "}\n";

TEST(DmesgJsonFramer, PrettyDocument) {
  std::vector<Record> r = Frame(kPretty);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].text, "Linux version 6.6.4-arch1-1 (linux@archlinux)");
  EXPECT_TRUE(r[0].boot_marker);
  EXPECT_EQ(r[0].level, 6);
  EXPECT_EQ(r[0].facility, 0);
  ASSERT_TRUE(r[0].time_us.has_value());
  EXPECT_EQ(*r[0].time_us, 0);
  EXPECT_EQ(r[0].caller, "T1");
  EXPECT_EQ(r[0].source, Source::kKernel);
  EXPECT_EQ(r[0].input, "dmesg.json");
  EXPECT_EQ(r[0].line, 3u);
  EXPECT_EQ(r[0].line_count, 6u);
  EXPECT_EQ(r[1].text, "Command line: initrd=\\ucode.img \"q\" tab\there");
  EXPECT_FALSE(r[1].boot_marker);
  EXPECT_EQ(r[1].level, 4);
  EXPECT_EQ(r[1].facility, 1);
  EXPECT_EQ(*r[1].time_us, 1234000001);
  EXPECT_EQ(r[1].caller, "C3");
  EXPECT_EQ(r[1].line, 8u);
  EXPECT_EQ(r[1].line_count, 6u);  // "},{" to "}"
}

TEST(DmesgJsonFramer, CompactDocumentAndExactTime) {
  std::vector<Record> r = Frame(
      "{\"dmesg\":[{\"pri\":6,\"time\":    0.000000,\"caller\":\"T1\",\"msg\":\"a\"},"
      "{\"pri\":3,\"time\":99999999.999999,\"msg\":\"b\\nc\"}]}\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].text, "a");
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_EQ(r[0].line_count, 1u);
  EXPECT_EQ(r[1].text, "b\nc");
  EXPECT_EQ(*r[1].time_us, 99999999999999);  // exact: not through a double
  EXPECT_TRUE(r[1].caller.empty());
}

TEST(DmesgJsonFramer, DecodeNames) {
  // dmesg -J -x: "fac" and "pri" are names.
  std::vector<Record> r = Frame(
      "{\n   \"dmesg\": [\n      {\n         \"fac\": \"daemon\",\n         \"pri\": \"info\",\n"
      "         \"time\":    10.441520,\n         \"msg\": \"systemd[1]: hi\"\n      },{\n"
      "         \"fac\": \"local7\",\n         \"pri\": \"debug\",\n"
      "         \"time\":    11.000000,\n         \"msg\": \"x\"\n      },{\n"
      "         \"fac\": \"nosuch\",\n         \"pri\": \"loud\",\n"
      "         \"time\":    12.000000,\n         \"msg\": \"y\"\n      }\n   ]\n}\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].facility, 3);
  EXPECT_EQ(r[0].level, 6);
  EXPECT_EQ(*r[0].time_us, 10441520);
  EXPECT_EQ(r[1].facility, 23);
  EXPECT_EQ(r[1].level, 7);
  EXPECT_EQ(r[2].facility, -1);  // unknown names: no level, the record stays
  EXPECT_EQ(r[2].level, -1);
  EXPECT_EQ(r[2].text, "y");
}

TEST(DmesgJsonFramer, NeverClosedStreamEmitsAsEntriesArrive) {
  // dmesg -w -J: the document is never closed; every entry leaves when its "}" arrives.
  DmesgJsonFramer framer("-");
  std::vector<Record> out;
  RecordSink sink = [&out](Record&& r) { out.push_back(std::move(r)); };
  const char* lines[] = {"{",
                         "   \"dmesg\": [",
                         "      {",
                         "         \"pri\": 6,",
                         "         \"time\":     1.000000,",
                         "         \"msg\": \"first\"",
                         "      },{",
                         "         \"pri\": 4,",
                         "         \"time\":     2.500000,",
                         "         \"msg\": \"second\"",
                         "      }"};
  uint64_t n = 0;
  for (const char* line : lines) {
    framer.Line(line, ++n, sink);
    if (n == 6) {
      EXPECT_TRUE(out.empty());
    }
    if (n == 7) {
      ASSERT_EQ(out.size(), 1u);
    }
  }
  ASSERT_EQ(out.size(), 2u);
  framer.Finish(sink);
  ASSERT_EQ(out.size(), 2u);  // no closing "]}" needed, nothing invented
  EXPECT_EQ(out[0].text, "first");
  EXPECT_EQ(out[1].text, "second");
  EXPECT_EQ(*out[1].time_us, 2500000);
  EXPECT_EQ(out[1].level, 4);
}

TEST(DmesgJsonFramer, MalformedEntriesBecomeUnparsedRecords) {
  std::vector<Record> r = Frame(
      "{\n   \"dmesg\": [\n      {\n         \"pri\": 6,\n         \"time\":     1.000000,\n"
      "         \"msg\": \"ok\"\n      },{\n         \"pri\": 6,\n         \"time\": oops,\n"
      "         \"msg\": \"bad\"\n      },{\n         \"pri\": 6,\n         \"time\":     "
      "3.000000\n"
      "      },{\n         \"pri\": 5,\n         \"time\":     4.000000,\n"
      "         \"msg\": \"after\"\n      },{\n         \"pri\": 6,\n         \"msg\": \"cut");
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].text, "ok");
  // An entry that is not JSON, and one without "msg": unparsed, with their raw text.
  EXPECT_EQ(r[1].source, Source::kUserspace);
  EXPECT_EQ(r[1].program, kUnparsedProgram);
  EXPECT_NE(r[1].text.find("oops"), std::string::npos);
  EXPECT_EQ(r[1].line, 7u);
  EXPECT_EQ(r[2].program, kUnparsedProgram);
  EXPECT_EQ(r[2].line, 11u);
  // The next good entry is not lost.
  EXPECT_EQ(r[3].text, "after");
  EXPECT_EQ(r[3].level, 5);
  EXPECT_EQ(r[3].source, Source::kKernel);
  // The file ends inside an entry.
  EXPECT_EQ(r[4].program, kUnparsedProgram);
  EXPECT_NE(r[4].text.find("\"cut"), std::string::npos);
  EXPECT_EQ(r[4].line, 18u);
}

TEST(DmesgJsonFramer, LostClosingBraceAndJunkLines) {
  std::vector<Record> r = Frame(
      "not json at all\n"
      "{\"dmesg\":[\n"
      "{\"pri\":6,\"time\":1.000000,\"msg\":\"lost its brace\"\n"
      "{\"pri\":6,\"time\":2.000000,\"msg\":\"good\"},\n"
      "garbage\n"
      "{\"pri\":6,\"time\":3.000000,\"msg\":\"good too\"}\n"
      "]}\n");
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].program, kUnparsedProgram);
  EXPECT_EQ(r[0].text, "not json at all");
  EXPECT_EQ(r[1].program, kUnparsedProgram);
  EXPECT_EQ(r[1].line, 3u);
  EXPECT_EQ(r[2].text, "good");
  EXPECT_EQ(r[2].line, 4u);
  EXPECT_EQ(r[3].program, kUnparsedProgram);
  EXPECT_EQ(r[3].text, "garbage");
  EXPECT_EQ(r[4].text, "good too");
}

TEST(DmesgJsonFramer, NoCrashOnArbitraryPrefixes) {
  std::string doc = kPretty;
  for (size_t n = 0; n <= doc.size(); ++n) {
    std::vector<Record> r = Frame(std::string_view(doc).substr(0, n));
    EXPECT_LE(r.size(), 3u);
  }
}

TEST(DmesgJsonFramer, Detection) {
  EXPECT_TRUE(LooksLikeDmesgJson(kPretty));
  EXPECT_TRUE(LooksLikeDmesgJson("\n\n{\n   \"dmesg\": [\n"));
  EXPECT_TRUE(LooksLikeDmesgJson("{\"dmesg\":[{\"pri\":6,\"time\":    0.000000,\"msg\":\"x\"}]}"));
  EXPECT_EQ(DetectFormat(kPretty).name, std::string("dmesg-json"));
  // Console text, kmsg records, journal JSON (one-line and pretty) are not dmesg JSON.
  EXPECT_FALSE(LooksLikeDmesgJson(""));
  EXPECT_FALSE(LooksLikeDmesgJson("[    0.000000] Linux version 6.6.4\n"));
  EXPECT_FALSE(LooksLikeDmesgJson("<6>[    0.000000] Linux version 6.6.4\n"));
  EXPECT_FALSE(LooksLikeDmesgJson("kern  :info  : [    0.000000] Linux version\n"));
  EXPECT_FALSE(LooksLikeDmesgJson("6,1,2,-;Linux version 6.6.4\n"));
  EXPECT_FALSE(LooksLikeDmesgJson(
      "{\"__CURSOR\":\"s=1\",\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"dmesg\"}\n"));
  EXPECT_FALSE(LooksLikeDmesgJson("{\n\t\"__CURSOR\" : \"s=1\",\n\t\"MESSAGE\" : \"x\"\n}\n"));
  EXPECT_FALSE(LooksLikeDmesgJson("{\n   \"dmesgx\": [\n"));
  EXPECT_EQ(DetectFormat("[    0.000000] Linux version 6.6.4\n").name, std::string("console"));
  EXPECT_EQ(DetectFormat("6,1,2,-;Linux version 6.6.4\n").name, std::string("kmsg"));
}

// ---- util-linux conformance: every JSON rendering reads back to its raw input ----------------

std::vector<Record> FrameConsole(std::string_view text) {
  ConsoleFramer framer("input");
  return testing::FrameText(&framer, text);
}

std::vector<Record> FrameKmsg(std::string_view text) {
  KmsgFramer framer("kmsg-input");
  return testing::FrameText(&framer, text);
}

// Compares record by record; `json` was rendered from `raw`.
void ExpectSameMessages(const std::vector<Record>& raw, const std::vector<Record>& json) {
  ASSERT_EQ(raw.size(), json.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    SCOPED_TRACE("record " + std::to_string(i) + ": " + raw[i].text);
    EXPECT_EQ(json[i].source, Source::kKernel);
    EXPECT_EQ(json[i].text, raw[i].text);
    ASSERT_TRUE(raw[i].time_us.has_value());
    ASSERT_TRUE(json[i].time_us.has_value());
    EXPECT_EQ(*json[i].time_us, *raw[i].time_us);
    EXPECT_EQ(json[i].level, raw[i].level);
    EXPECT_EQ(json[i].facility, raw[i].facility);
    EXPECT_EQ(json[i].caller, raw[i].caller);
    EXPECT_EQ(json[i].boot_marker, raw[i].boot_marker);
  }
}

TEST(DmesgJsonConformance, JsonOfInput) {
  READ_CONFORMANCE(raw, "input/input");
  READ_CONFORMANCE(json, "expected/json");
  EXPECT_TRUE(LooksLikeDmesgJson(json));
  std::vector<Record> r = Frame(json);
  ASSERT_EQ(r.size(), 106u);
  ExpectSameMessages(FrameConsole(raw), r);
  EXPECT_EQ(r[105].facility, 18);  // "pri": 150
  EXPECT_EQ(r[105].level, 6);
}

TEST(DmesgJsonConformance, CidJsonOfCidInput) {
  READ_CONFORMANCE(raw, "input/cid-input");
  READ_CONFORMANCE(json, "expected/cid-json");
  EXPECT_TRUE(LooksLikeDmesgJson(json));
  std::vector<Record> r = Frame(json);
  ASSERT_EQ(r.size(), 106u);
  ExpectSameMessages(FrameConsole(raw), r);
  EXPECT_EQ(r[1].caller, "T1");
}

TEST(DmesgJsonConformance, KmsgFileOfKmsgInput) {
  READ_CONFORMANCE(raw, "input/kmsg-input");
  READ_CONFORMANCE(json, "expected/kmsg-file");
  EXPECT_TRUE(LooksLikeDmesgJson(json));
  std::vector<Record> r = Frame(json);
  ASSERT_EQ(r.size(), 45u);
  ExpectSameMessages(FrameKmsg(raw), r);
  EXPECT_TRUE(r[0].boot_marker);
  EXPECT_EQ(r[1].text,
            "Command line: initrd=\\ucode.img initrd=\\initramfs-linux.img rw "
            "cryptdevice=/dev/nvme0n1p3:system:discard root=/dev/mapper/system");
}

TEST(DmesgJsonConformance, CidKmsgJsonOfCidKmsgInput) {
  READ_CONFORMANCE(raw, "input/cid-kmsg-input");
  READ_CONFORMANCE(json, "expected/cid-kmsg-json");
  EXPECT_TRUE(LooksLikeDmesgJson(json));
  std::vector<Record> r = Frame(json);
  ASSERT_EQ(r.size(), 58u);
  std::vector<Record> kmsg = FrameKmsg(raw);
  ASSERT_EQ(kmsg.size(), 58u);
  // The one documented difference: the file ends "...debug priority\n\n" with no NUL after the
  // last record, and util-linux (dmesg -K) keeps the second '\n' as part of that message, so the
  // rendering says "debug priority\n". KmsgFramer ends the record at its line, as the kernel
  // does (vprintk_store() strips a message's trailing newline), and the JSON framer reports what
  // the rendering says.
  ASSERT_EQ(r.back().text, kmsg.back().text + "\n");
  kmsg.back().text += "\n";
  ExpectSameMessages(kmsg, r);
  EXPECT_EQ(r.back().caller, "T1234567");
}

}  // namespace
}  // namespace kdiag
