#include <gtest/gtest.h>

#include "analyzer/output/json_writer.h"
#include "analyzer/output/terminal_safe.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

TEST(JsonWriter, EscapesAndRepairsUtf8) {
  EXPECT_EQ(Json("a\"b\\c\n\t"), R"("a\"b\\c\n\t")");
  EXPECT_EQ(Json(std::string("\0\x1b\x7f", 3)), R"("\u0000\u001b\u007f")");
  EXPECT_EQ(Json("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(Json("\xff\xc3"), R"("\ufffd\ufffd")");
  EXPECT_EQ(Json("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // a UTF-16 surrogate
  EXPECT_EQ(Json("\xc0\xaf"), R"("\ufffd\ufffd")");            // overlong '/'
}

// Issue 16: C1 controls (U+0080..U+009F; U+009B is CSI to some terminals) are valid UTF-8 but
// must not reach a terminal that `tail`s the NDJSON raw.
TEST(JsonWriter, EscapesC1Controls) {
  EXPECT_EQ(Json("a\xc2\x9b"
                 "2Jb"),
            R"("a\u009b2Jb")");
  EXPECT_EQ(Json("\xc2\x80\xc2\x9f\xc2\xa0"), "\"\\u0080\\u009f\xc2\xa0\"");
}

TEST(JsonWriter, NestsWithCommas) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("a");
  w.Int(1);
  w.Key("b");
  w.BeginArray();
  w.String("x");
  w.Null();
  w.Bool(true);
  w.EndArray();
  w.Key("c");
  w.BeginObject();
  w.EndObject();
  w.Key("t");
  w.Raw("1.500000");
  w.EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":["x",null,true],"c":{},"t":1.500000})");
}

TEST(TerminalSafe, RemovesEscapesAndShowsControls) {
  EXPECT_EQ(TerminalSafe("\x1b[31mred\x1b[0m"), "red");
  EXPECT_EQ(TerminalSafe("a\x1b]0;owned title\x07"
                         "b"),
            "ab");
  EXPECT_EQ(TerminalSafe("a\x1b]0;unterminated\nnext"), "a\nnext");
  EXPECT_EQ(TerminalSafe("bell\x07 nul" + std::string(1, '\0')), "bell\\x07 nul\\x00");
  EXPECT_EQ(TerminalSafe("c1 \xc2\x9b"
                         "2J"),
            "c1 2J");
  EXPECT_EQ(TerminalSafe("bad \xff utf8"), "bad \\xff utf8");
  EXPECT_EQ(TerminalSafe("keep\ttabs\nand caf\xc3\xa9"), "keep\ttabs\nand caf\xc3\xa9");
  EXPECT_EQ(TerminalSafe("trailing esc\x1b"), "trailing esc");
  EXPECT_EQ(TerminalSafe("\r\n"), "\\x0d\n");
}

// Issue 16: a file name is text the operator did not write. A newline in it must not start a line
// of its own in the report or on stderr (a fake finding, a fake error).
TEST(TerminalSafe, ANewlineInAFileNameInjectsNoLine) {
  std::string dir = testing::TempDir();
  std::string name = dir + "/x\nFAKE: all clear";
  testing::WriteFile(name,
                     "[    1.000000] pciback 0000:13:04.0: Driver tried to write to a read-only "
                     "configuration space field at offset 0xe0, size 2.\n");
  auto report = testing::RunKdiag({name, dir + "/y\nFAKE: error"});
  EXPECT_EQ(report.status, 2) << report.err;
  for (const std::string* text : {&report.out, &report.err}) {
    EXPECT_EQ(text->find("\nFAKE"), std::string::npos) << *text;
    EXPECT_NE(text->find("\\x0aFAKE"), std::string::npos) << *text;
  }
}

}  // namespace
}  // namespace kdiag
