// The sxp parser: xend's grammar (tools/python/xen/xend/sxp.py), byte offsets, and errors with
// line and column.
#include "analyzer/remedy/sxp.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

std::vector<SxpNode> MustParse(std::string_view text) {
  std::vector<SxpNode> out;
  auto err = ParseSxp(text, "t.sxp", &out);
  EXPECT_FALSE(err.has_value()) << err->ToString();
  return out;
}

Error MustFail(std::string_view text) {
  std::vector<SxpNode> out;
  auto err = ParseSxp(text, "t.sxp", &out);
  EXPECT_TRUE(err.has_value()) << text;
  return err.value_or(Error{});
}

std::string_view Span(std::string_view text, const SxpNode& n) {
  return text.substr(n.begin, n.end - n.begin);
}

// Laid out like tools/examples/xend-pci-quirks.sxp, tabs included.
const char kExample[] =
    "# Configuration file for quirky PCI devices (parens in comments: (x\n"
    "(tg3\n"
    "    (pci_ids\n"
    "\t# Entries are formated as follows:  \n"
    "\t#     <vendor>:<device>[:<subvendor>:<subdevice>]\n"
    "        ('14e4:1644'   # Broadcom Tigon3 5700\n"
    "    \t '14e4:1645'   # Broadcom Tigon3 5701 'quoted\n"
    "         '106b:1645')  # Apple Tigon3\n"
    "    )\n"
    "    (pci_config_space_fields\n"
    "        ('00000078:4:00000000'   # TG3PCI_REG_BASE_ADDR\n"
    "         '00000070:4:00000000')  # TG3PCI_PCISTATE )\n"
    "    )\n"
    ")\n";

TEST(SxpTest, ParsesTheExampleLayout) {
  std::vector<SxpNode> top = MustParse(kExample);
  ASSERT_EQ(top.size(), 1u);
  const SxpNode& tg3 = top[0];
  ASSERT_TRUE(tg3.is_list());
  ASSERT_EQ(tg3.children.size(), 3u);
  EXPECT_EQ(tg3.children[0].kind, SxpNode::Kind::kSymbol);
  EXPECT_EQ(tg3.children[0].value, "tg3");
  EXPECT_EQ(tg3.line, 2u);
  EXPECT_EQ(tg3.column, 1u);

  const SxpNode* ids = SxpChild(tg3, "pci_ids");
  ASSERT_NE(ids, nullptr);
  const SxpNode* list = SxpChildAt(*ids, 0);
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->children.size(), 3u);
  EXPECT_EQ(list->children[0].value, "14e4:1644");
  EXPECT_EQ(list->children[1].value, "14e4:1645");
  EXPECT_EQ(list->children[2].value, "106b:1645");
  EXPECT_EQ(list->children[2].kind, SxpNode::Kind::kString);
  EXPECT_EQ(list->line, 6u);
  EXPECT_EQ(list->column, 9u);
  EXPECT_EQ(list->children[1].line, 7u);
  EXPECT_EQ(list->children[1].column, 7u);  // four spaces and a tab count as five bytes

  const SxpNode* fields = SxpChildAt(*SxpChild(tg3, "pci_config_space_fields"), 0);
  ASSERT_NE(fields, nullptr);
  ASSERT_EQ(fields->children.size(), 2u);
  EXPECT_EQ(fields->children[1].value, "00000070:4:00000000");
}

TEST(SxpTest, OffsetsCoverEachToken) {
  std::string_view text = kExample;
  std::vector<SxpNode> top = MustParse(text);
  const SxpNode& tg3 = top[0];
  EXPECT_EQ(text[tg3.begin], '(');
  EXPECT_EQ(text[tg3.end - 1], ')');
  EXPECT_EQ(tg3.end, text.size() - 1);  // the final newline follows
  EXPECT_EQ(Span(text, tg3.children[0]), "tg3");
  const SxpNode* list = SxpChildAt(*SxpChild(tg3, "pci_ids"), 0);
  EXPECT_EQ(Span(text, list->children[0]), "'14e4:1644'");
  EXPECT_EQ(Span(text, *list).substr(0, 12), "('14e4:1644'");
  EXPECT_EQ(Span(text, *list).back(), ')');
}

TEST(SxpTest, CommentsWithParensAndQuotesAreNotStructure) {
  std::vector<SxpNode> top = MustParse("# ( ' \" ) \n(a # (b 'c\n 'd') # ) ) )\n");
  ASSERT_EQ(top.size(), 1u);
  ASSERT_EQ(top[0].children.size(), 2u);
  EXPECT_EQ(top[0].children[1].value, "d");
}

TEST(SxpTest, HashInsideAStringIsText) {
  std::vector<SxpNode> top = MustParse("('a # b' \"c ) d\")");
  ASSERT_EQ(top[0].children.size(), 2u);
  EXPECT_EQ(top[0].children[0].value, "a # b");
  EXPECT_EQ(top[0].children[1].value, "c ) d");
}

TEST(SxpTest, Escapes) {
  std::vector<SxpNode> top = MustParse(R"(('a\'b' "q\"q" 'n\nt\t' '\x41\101\0' 'x\qy' '\\'))");
  const auto& c = top[0].children;
  ASSERT_EQ(c.size(), 6u);
  EXPECT_EQ(c[0].value, "a'b");
  EXPECT_EQ(c[1].value, "q\"q");
  EXPECT_EQ(c[2].value, "n\nt\t");
  EXPECT_EQ(c[3].value, std::string("AA\0", 3));
  EXPECT_EQ(c[4].value, "x\\y");  // sxp.py keeps the backslash and drops the unknown letter
  EXPECT_EQ(c[5].value, "\\");
}

TEST(SxpTest, SymbolsEndAtSeparators) {
  std::vector<SxpNode> top = MustParse("(a;b c#d\n e[f ;g {h})");
  std::vector<std::string> values;
  for (const SxpNode& n : top[0].children) values.push_back(n.value);
  EXPECT_EQ(values, (std::vector<std::string>{"a", ";b", "c", "e", "[f", ";g", "{h", "}"}));
}

TEST(SxpTest, SeveralTopLevelValuesAndEmptyInput) {
  EXPECT_EQ(MustParse("(a) (b) c 'd'").size(), 4u);
  EXPECT_TRUE(MustParse("").empty());
  EXPECT_TRUE(MustParse("# only a comment").empty());
  EXPECT_TRUE(MustParse(" \t\r\n\v\f").empty());
  std::vector<SxpNode> top = MustParse("()");
  ASSERT_EQ(top.size(), 1u);
  EXPECT_TRUE(top[0].children.empty());
}

TEST(SxpTest, ErrorsSayLineAndColumn) {
  Error e = MustFail("(a\n  (b 'c')\n");
  EXPECT_EQ(e.where.name, "t.sxp");
  EXPECT_EQ(e.where.line, 1u);
  EXPECT_EQ(e.where.column, 1u);
  EXPECT_NE(e.message.find("never closed"), std::string::npos);

  e = MustFail("(a)\n  )");
  EXPECT_EQ(e.ToString().substr(0, 10), "t.sxp:2:3:");

  e = MustFail("(a\n   'unterminated)\n");
  EXPECT_EQ(e.where.line, 2u);
  EXPECT_EQ(e.where.column, 4u);
  EXPECT_NE(e.message.find("string"), std::string::npos);

  e = MustFail("(a\n\x01)");
  EXPECT_EQ(e.where.line, 2u);
  EXPECT_EQ(e.where.column, 1u);
  EXPECT_NE(e.message.find("code 1"), std::string::npos);

  e = MustFail("(a \xc3\xa9)");  // non-ASCII cannot start a symbol (sxp.py: not printable)
  EXPECT_EQ(e.where.column, 4u);

  e = MustFail("(a)\x04(b)");
  EXPECT_EQ(e.where.column, 4u);

  MustFail("('a\\x4')");
  MustFail("('a\\400')");
  MustFail("('a\\");
}

TEST(SxpTest, DeepNestingIsRefusedNotACrash) {
  std::string deep(100000, '(');
  Error e = MustFail(deep);
  EXPECT_NE(e.message.find("nested"), std::string::npos);
  std::string ok = std::string(50, '(') + std::string(50, ')');
  EXPECT_EQ(MustParse(ok).size(), 1u);
}

TEST(SxpTest, ChildrenSkipAttributesLikeSxpPy) {
  std::vector<SxpNode> top = MustParse("(dev (@ (id 1)) (pci_ids ('x')) (pci_ids ('y')))");
  std::vector<const SxpNode*> kids = SxpChildren(top[0]);
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_TRUE(kids[0]->IsElement("pci_ids"));
  // child() gives the first match only.
  EXPECT_EQ(SxpChildAt(*SxpChild(top[0], "pci_ids"), 0)->children[0].value, "x");
  EXPECT_EQ(SxpChildAt(top[0], 5), nullptr);
  EXPECT_TRUE(SxpChildren(top[0].children[0]).empty());  // an atom has no children
  // A quoted element name counts too: both are Python strings to xend.
  std::vector<SxpNode> quoted = MustParse("(dev ('pci_ids' ('x')))");
  EXPECT_NE(SxpChild(quoted[0], "pci_ids"), nullptr);
}

TEST(SxpTest, NoFinalNewlineAndCrLf) {
  std::vector<SxpNode> top = MustParse("(a\r\n 'b')\r\n# c");
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].children[1].line, 2u);
  EXPECT_EQ(MustParse("(a b)").size(), 1u);
  EXPECT_EQ(MustParse("sym").size(), 1u);
}

}  // namespace
}  // namespace kdiag
