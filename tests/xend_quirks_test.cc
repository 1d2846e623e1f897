// xend-pci-quirks.sxp rendering and merging, checked against xend's own lookup rules
// (pciquirk.py: first matching stanza wins; 2-part IDs, 4-part IDs with ffff wildcards).
#include <gtest/gtest.h>

#include <algorithm>

#include "analyzer/remedy/quirk.h"
#include "analyzer/remedy/sxp.h"

namespace kdiag {
namespace {

PciId Id(uint16_t v, uint16_t d) {
  return PciId{v, d, std::nullopt, std::nullopt};
}
PciId Id(uint16_t v, uint16_t d, uint16_t sv, uint16_t sd) {
  return PciId{v, d, sv, sd};
}

QuirkNeed Need(const char* bdf, std::optional<PciId> id, const char* offset, const char* size,
               const char* by = "-:1", const char* name = "") {
  QuirkNeed n;
  n.bdf = *Bdf::Parse(bdf);
  n.id = id;
  n.field = *QuirkField::Parse(offset, size);
  n.device_name = name;
  n.reported_by = by;
  return n;
}

std::vector<std::string> Fields(std::string_view text, const PciId& id) {
  std::optional<Error> err;
  auto f = XendQuirksFor(text, id, &err);
  EXPECT_FALSE(err.has_value()) << err->ToString();
  EXPECT_TRUE(f.has_value()) << "no stanza matches " << id.ToString();
  return f.value_or(std::vector<std::string>{});
}

// True when `merged` is `original` with text inserted (original is a subsequence, kept in
// order) — the merge's promise to keep every byte of the user's file.
bool OnlyInsertions(std::string_view original, std::string_view merged) {
  size_t j = 0;
  for (char c : merged) {
    if (j < original.size() && original[j] == c) ++j;
  }
  return j == original.size();
}

MergeResult Merge(std::string_view existing, const std::vector<QuirkNeed>& needs) {
  MergeResult r;
  auto err = MergeXendQuirks(existing, "quirks.sxp", needs, &r);
  EXPECT_FALSE(err.has_value()) << err->ToString();
  EXPECT_TRUE(OnlyInsertions(existing, r.text)) << r.text;
  // Merging the result again changes nothing.
  MergeResult again;
  EXPECT_FALSE(MergeXendQuirks(r.text, "quirks.sxp", needs, &again).has_value());
  EXPECT_EQ(again.fields_added, 0);
  EXPECT_EQ(again.stanzas_added, 0);
  EXPECT_EQ(again.text, r.text);
  return r;
}

const char kIntelName[] = "Intel Corporation 82546GB Gigabit Ethernet Controller (Copper)";

TEST(RenderXendQuirksTest, TwoFunctionsOfOneCardGiveOneField) {
  std::vector<QuirkNeed> needs = {
      Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2", "-:1", kIntelName),
      Need("0000:13:04.1", Id(0x8086, 0x10b5), "0xe0", "2", "-:5", kIntelName)};
  std::string out = RenderXendQuirks(needs);
  EXPECT_EQ(Fields(out, Id(0x8086, 0x10b5)), std::vector<std::string>{"000000e0:2:00000000"});
  EXPECT_NE(out.find("(kdiag_8086_10b5\n"), std::string::npos) << out;
  EXPECT_NE(out.find("        ('8086:10b5')  # Intel Corporation 82546GB"), std::string::npos);
  EXPECT_NE(out.find("('000000e0:2:00000000')  # reported by -:1 (0000:13:04.0), -:5"),
            std::string::npos);
  EXPECT_NE(out.find("once per device binding"), std::string::npos);
  EXPECT_NE(out.find("kdiag"), std::string::npos);
  // A device with any subsystem gets the fields (2-part entry).
  EXPECT_EQ(Fields(out, Id(0x8086, 0x10b5, 0x103c, 0x3109)).size(), 1u);
  EXPECT_FALSE(XendQuirksFor(out, Id(0x8086, 0x10b9)).has_value());
}

TEST(RenderXendQuirksTest, StructureIsWhatXendReads) {
  std::vector<QuirkNeed> needs = {
      Need("0000:13:04.0", Id(0x8086, 0x10b5), "0x1d6", "2"),
      Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2"),
      Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "4"),
      Need("0000:07:10.1", Id(0x14e4, 0x1644, 0x103c, 0x3109), "0x78", "4")};
  std::string out = RenderXendQuirks(needs);
  std::vector<SxpNode> top;
  ASSERT_FALSE(ParseSxp(out, "out", &top).has_value());
  ASSERT_EQ(top.size(), 2u);
  for (const SxpNode& stanza : top) {
    ASSERT_TRUE(stanza.is_list());
    ASSERT_EQ(stanza.children.size(), 3u);
    for (char c : stanza.children[0].value) EXPECT_TRUE(isalnum(c) || c == '_') << c;
    const SxpNode* ids = SxpChildAt(*SxpChild(stanza, "pci_ids"), 0);
    ASSERT_TRUE(ids && ids->is_list());
    const SxpNode* fields = SxpChildAt(*SxpChild(stanza, "pci_config_space_fields"), 0);
    ASSERT_TRUE(fields && fields->is_list());
  }
  EXPECT_EQ(top[0].children[0].value, "kdiag_14e4_1644_103c_3109");
  // Sorted, de-duplicated.
  EXPECT_EQ(Fields(out, Id(0x8086, 0x10b5)),
            (std::vector<std::string>{"000000e0:2:00000000", "000000e0:4:00000000",
                                      "000001d6:2:00000000"}));
  EXPECT_EQ(Fields(out, Id(0x14e4, 0x1644, 0x103c, 0x3109)),
            std::vector<std::string>{"00000078:4:00000000"});
  EXPECT_FALSE(XendQuirksFor(out, Id(0x14e4, 0x1644, 0x103c, 0x0001)).has_value());
}

TEST(RenderXendQuirksTest, SpecificStanzaComesBeforeTheGeneralOne) {
  // If '8086:10b5' came first, xend would never reach the 4-part stanza.
  std::vector<QuirkNeed> needs = {
      Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2"),
      Need("0000:14:04.0", Id(0x8086, 0x10b5, 0x103c, 0x3109), "0xe4", "4")};
  std::string out = RenderXendQuirks(needs);
  EXPECT_LT(out.find("'8086:10b5:103c:3109'"), out.find("'8086:10b5'"));
  EXPECT_EQ(Fields(out, Id(0x8086, 0x10b5, 0x103c, 0x3109)),
            std::vector<std::string>{"000000e4:4:00000000"});
  EXPECT_EQ(Fields(out, Id(0x8086, 0x10b5, 0x1234, 0x5678)),
            std::vector<std::string>{"000000e0:2:00000000"});
}

TEST(RenderXendQuirksTest, NeedsWithoutIdAreCommentsNotPlaceholders) {
  std::vector<QuirkNeed> needs = {Need("0000:13:04.0", std::nullopt, "0xe0", "2", "kern.log:7"),
                                  Need("0001:02:00.0", std::nullopt, "0x44", "1")};
  std::string out = RenderXendQuirks(needs);
  std::vector<SxpNode> top;
  ASSERT_FALSE(ParseSxp(out, "out", &top).has_value());
  EXPECT_TRUE(top.empty()) << out;  // comments only
  EXPECT_NE(out.find("lspci -n -s 13:04.0"), std::string::npos) << out;
  EXPECT_NE(out.find("lspci -n -s 0001:02:00.0"), std::string::npos);
  EXPECT_NE(out.find("--lspci FILE"), std::string::npos);
  EXPECT_NE(out.find("000000e0:2:00000000  reported by kern.log:7"), std::string::npos);
  EXPECT_EQ(out.find("0000:0000"), std::string::npos);
  EXPECT_EQ(out.find("ffff:ffff"), std::string::npos);
}

TEST(RenderXendQuirksTest, HostileNamesStayInsideComments) {
  std::vector<QuirkNeed> needs = {
      Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2", "evil\n) (x\n# x", "Evil\n)"),
      Need("0000:13:04.1", Id(0x8086, 0x10b5), "0xe4", "2", "-:2", "# x ) ('1234:5678'")};
  std::string out = RenderXendQuirks(needs);
  std::vector<SxpNode> top;
  ASSERT_FALSE(ParseSxp(out, "out", &top).has_value()) << out;
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(Fields(out, Id(0x8086, 0x10b5)),
            (std::vector<std::string>{"000000e0:2:00000000", "000000e4:2:00000000"}));
  EXPECT_FALSE(XendQuirksFor(out, Id(0x1234, 0x5678)).has_value());
  EXPECT_NE(out.find("# Evil)"), std::string::npos) << out;
}

TEST(RenderXendQuirksTest, NeverPrintsAnInvalidNeed) {
  QuirkNeed bad = Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2");
  bad.field.reg = 0x1000;
  QuirkNeed bad_size = Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2");
  bad_size.field.size = 3;
  QuirkNeed bad_bdf = Need("0000:13:04.0", std::nullopt, "0xe0", "2");
  bad_bdf.bdf.function = 9;
  std::string out = RenderXendQuirks({bad, bad_size, bad_bdf});
  EXPECT_EQ(out.find("00001000"), std::string::npos);
  EXPECT_EQ(out.find(":3:"), std::string::npos);
  EXPECT_EQ(out.find("8086"), std::string::npos);
  EXPECT_EQ(out.find("13:04.9"), std::string::npos);
  EXPECT_EQ(RenderXendQuirks({}), out);
}

// tools/examples/xend-pci-quirks.sxp, shortened, tabs and all.
const char kShipped[] =
    "###############################################################################\n"
    "# This is a bogus entry to show how a new device would be added to the list\n"
    "#\n"
    "# (new_quirky_dev_name\n"
    "#    (pci_ids \n"
    "#       ('0123:4567:890A:BCEF') \n"
    "#    )\n"
    "# )\n"
    "###############################################################################\n"
    "\n"
    "(tg3\n"
    "    (pci_ids\n"
    "\t# Entries are formated as follows:  \n"
    "\t#     <vendor>:<device>[:<subvendor>:<subdevice>]\n"
    "        ('14e4:1644'   # Broadcom Tigon3 5700\n"
    "    \t '14e4:1645'   # Broadcom Tigon3 5701\n"
    "         '106b:1645')  # Apple Tigon3\n"
    "    )\n"
    "\n"
    "    (pci_config_space_fields\n"
    "\t# Entries are formated as follows:  \n"
    "    \t#     <register>:<size>:<mask>\n"
    "        ('00000078:4:00000000'   # TG3PCI_REG_BASE_ADDR\n"
    "         '0000009C:4:00000000'   # TG3PCI_STD_RING_PROD_IDX + TG3_64BIT_REG_LOW\n"
    "         '00000070:4:00000000')  # TG3PCI_PCISTATE\n"
    "    )\n"
    ")\n";

TEST(MergeXendQuirksTest, AddsToTheMatchingStanzaKeepingEverythingElse) {
  MergeResult r = Merge(kShipped, {Need("0000:07:10.1", Id(0x14e4, 0x1645), "0xe0", "2", "-:9")});
  EXPECT_EQ(r.fields_added, 1);
  EXPECT_EQ(r.stanzas_added, 0);
  // Inserted on its own line with the entries' indentation, before the last entry so that the
  // closing paren and the TG3PCI_PCISTATE comment stay where they were.
  EXPECT_NE(r.text.find("         '0000009C:4:00000000'   # TG3PCI_STD_RING_PROD_IDX + "
                        "TG3_64BIT_REG_LOW\n"
                        "         '000000e0:2:00000000'   # kdiag: reported by -:9 "
                        "(0000:07:10.1)\n"
                        "         '00000070:4:00000000')  # TG3PCI_PCISTATE\n"),
            std::string::npos)
      << r.text;
  EXPECT_EQ(r.text.size(), std::string(kShipped).size() +
                               std::string("         '000000e0:2:00000000'   # kdiag: reported "
                                           "by -:9 (0000:07:10.1)\n")
                                   .size());
  std::vector<std::string> f = Fields(r.text, Id(0x14e4, 0x1645));
  EXPECT_EQ(f.size(), 4u);
  EXPECT_NE(std::find(f.begin(), f.end(), "000000e0:2:00000000"), f.end());
}

TEST(MergeXendQuirksTest, FieldAlreadyPresentIsNotDuplicated) {
  // '0000009C:4:00000000' in the file; the need says 0x9c, size 4: same field, as numbers.
  MergeResult r;
  ASSERT_FALSE(
      MergeXendQuirks(kShipped, "q", {Need("0000:07:10.1", Id(0x14e4, 0x1644), "0x9c", "4")}, &r));
  EXPECT_EQ(r.fields_added, 0);
  EXPECT_EQ(r.text, kShipped);
  // A different size is a different field.
  r = Merge(kShipped, {Need("0000:07:10.1", Id(0x14e4, 0x1644), "0x9c", "2")});
  EXPECT_EQ(r.fields_added, 1);
}

// pciback's quirks store refuses a line with anything after the mask (pci_stub.c str_to_quirk),
// so an entry like that does not give the register: the merge adds the proper field beside it.
TEST(MergeXendQuirksTest, AnEntryPcibackRefusesIsNotTheField) {
  const std::string existing =
      "(dev\n    (pci_ids\n        ('14e4:1644')\n    )\n    (pci_config_space_fields\n"
      "        ('0000009c:4:00000000 trailing')\n        ('000000a0:2:0000zz00')\n    )\n)\n";
  MergeResult r = Merge(existing, {Need("0000:07:10.1", Id(0x14e4, 0x1644), "0x9c", "4"),
                                   Need("0000:07:10.1", Id(0x14e4, 0x1644), "0xa0", "2")});
  EXPECT_EQ(r.fields_added, 2);
  std::vector<std::string> fields = Fields(r.text, Id(0x14e4, 0x1644));
  EXPECT_NE(std::find(fields.begin(), fields.end(), "0000009c:4:00000000"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "000000a0:2:00000000"), fields.end());
}

TEST(MergeXendQuirksTest, UnmatchedDeviceGetsAStanzaAtTheEnd) {
  MergeResult r =
      Merge(kShipped, {Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2", "-:1", kIntelName)});
  EXPECT_EQ(r.stanzas_added, 1);
  EXPECT_EQ(r.fields_added, 1);
  EXPECT_EQ(r.text.substr(0, std::string(kShipped).size()), kShipped);
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5)), std::vector<std::string>{"000000e0:2:00000000"});
  EXPECT_EQ(Fields(r.text, Id(0x14e4, 0x1644)).size(), 3u);
}

TEST(MergeXendQuirksTest, EarlierStanzaTakesPrecedence) {
  const char text[] =
      "(first (pci_ids ('8086:10b5')) (pci_config_space_fields ('00000010:4:00000000')))\n"
      "(second (pci_ids ('8086:10b5')) (pci_config_space_fields ('00000020:4:00000000')))\n";
  MergeResult r = Merge(text, {Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2")});
  EXPECT_EQ(r.fields_added, 1);
  std::vector<SxpNode> top;
  ASSERT_FALSE(ParseSxp(r.text, "m", &top).has_value());
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(SxpChildAt(*SxpChild(top[0], "pci_config_space_fields"), 0)->children.size(), 2u);
  EXPECT_EQ(SxpChildAt(*SxpChild(top[1], "pci_config_space_fields"), 0)->children.size(), 1u);
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5)),
            (std::vector<std::string>{"000000e0:2:00000000", "00000010:4:00000000"}));
}

TEST(MergeXendQuirksTest, WildcardSubsystemMatches) {
  const char text[] =
      "(specific (pci_ids ('8086:10b5:103c:3109')) (pci_config_space_fields ('00000010:4:0')))\n"
      "(wild (pci_ids ('8086:10b5:ffff:FFFF')) (pci_config_space_fields ('00000020:4:0')))\n";
  // Known subsystem 103c:3109: the specific stanza.
  MergeResult r =
      Merge(text, {Need("0000:13:04.0", Id(0x8086, 0x10b5, 0x103c, 0x3109), "e0", "2")});
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5, 0x103c, 0x3109)).size(), 2u);
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5, 0x1111, 0x2222)).size(), 1u);
  // Another subsystem: the wildcard stanza.
  r = Merge(text, {Need("0000:13:04.0", Id(0x8086, 0x10b5, 0x1111, 0x2222), "e0", "2")});
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5, 0x1111, 0x2222)).size(), 2u);
  EXPECT_EQ(r.stanzas_added, 0);
  // Unknown subsystem: only the all-wildcard entry is a sure match.
  r = Merge(text, {Need("0000:13:04.0", Id(0x8086, 0x10b5), "e0", "2")});
  EXPECT_EQ(r.stanzas_added, 0);
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5, 0x1111, 0x2222)).size(), 2u);
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5, 0x103c, 0x3109)).size(), 1u);
}

TEST(MergeXendQuirksTest, UnknownSubsystemDoesNotGuessASpecificEntry) {
  const char text[] =
      "(specific (pci_ids ('8086:10b5:103c:3109')) (pci_config_space_fields ('00000010:4:0')))\n";
  MergeResult r = Merge(text, {Need("0000:13:04.0", Id(0x8086, 0x10b5), "e0", "2")});
  EXPECT_EQ(r.stanzas_added, 1);
  EXPECT_NE(r.text.find("# Note: stanza specific (line 1) lists 8086:10b5:103c:3109"),
            std::string::npos)
      << r.text;
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5, 0x1111, 0x2222)),
            std::vector<std::string>{"000000e0:2:00000000"});
}

TEST(MergeXendQuirksTest, FollowsXendsMatcherQuirks) {
  // An upper-case ID never matches (xend compares with "%04x"), and a 3-part entry ends the
  // search of its stanza ("invalid configuration entry").
  const char text[] =
      "(upper (pci_ids ('8086:10B5')) (pci_config_space_fields ('00000010:4:0')))\n"
      "(broken (pci_ids ('8086:10b5:103c' '8086:10b5')) (pci_config_space_fields ('0:4:0')))\n"
      "(good (pci_ids ('1234:5678' '8086:10b5')) (pci_config_space_fields ('00000020:4:0')))\n";
  EXPECT_EQ(Fields(text, Id(0x8086, 0x10b5)), std::vector<std::string>{"00000020:4:0"});
  MergeResult r = Merge(text, {Need("0000:13:04.0", Id(0x8086, 0x10b5), "e0", "2")});
  EXPECT_EQ(r.stanzas_added, 0);
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5)),
            (std::vector<std::string>{"000000e0:2:00000000", "00000020:4:0"}));
}

TEST(MergeXendQuirksTest, CommentsWithParensAndQuotesAreNotStructure) {
  const char text[] =
      "# (fake (pci_ids ('8086:10b5')) (pci_config_space_fields ('00000099:4:00000000')))\n"
      "(dev # ) ( '8086:10b5'\n"
      "    (pci_ids\n"
      "        ('8086:10b5')  # it's \"the\" (card)\n"
      "    )\n"
      "    (pci_config_space_fields\n"
      "        ('00000010:4:00000000'   # ) (\n"
      "        )\n"
      "    )\n"
      ")\n";
  MergeResult r = Merge(text, {Need("0000:13:04.0", Id(0x8086, 0x10b5), "e0", "2", "-:3")});
  EXPECT_EQ(r.fields_added, 1);
  // The closing paren starts its line: the entry goes right before it.
  EXPECT_NE(r.text.find("        ('00000010:4:00000000'   # ) (\n"
                        "         '000000e0:2:00000000'   # kdiag: reported by -:3 "
                        "(0000:13:04.0)\n"
                        "        )\n"),
            std::string::npos)
      << r.text;
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5)).size(), 2u);
}

TEST(MergeXendQuirksTest, StanzaWithoutFieldsGetsAList) {
  const char text[] =
      "(dev\n"
      "\t(pci_ids\n"
      "\t\t('8086:10b5'))\n"
      ")\n";
  MergeResult r = Merge(text, {Need("0000:13:04.0", Id(0x8086, 0x10b5), "e0", "2", "-:3")});
  EXPECT_EQ(r.text,
            "(dev\n"
            "\t(pci_ids\n"
            "\t\t('8086:10b5'))\n"
            "\t(pci_config_space_fields\n"
            "\t    ('000000e0:2:00000000')  # kdiag: reported by -:3 (0000:13:04.0)\n"
            "\t)\n"
            ")\n");
  // Also on one line, and with an empty element.
  r = Merge("(dev (pci_ids ('8086:10b5')))", {Need("0000:13:04.0", Id(0x8086, 0x10b5), "e0", "2")});
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5)), std::vector<std::string>{"000000e0:2:00000000"});
  r = Merge("(dev (pci_ids ('8086:10b5')) (pci_config_space_fields))",
            {Need("0000:13:04.0", Id(0x8086, 0x10b5), "e0", "2")});
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5)), std::vector<std::string>{"000000e0:2:00000000"});
  r = Merge("(dev (pci_ids ('8086:10b5')) (pci_config_space_fields ()))",
            {Need("0000:13:04.0", Id(0x8086, 0x10b5), "e0", "2")});
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5)), std::vector<std::string>{"000000e0:2:00000000"});
}

TEST(MergeXendQuirksTest, OneLineListGetsEntriesAfterItsParen) {
  MergeResult r = Merge("(dev (pci_ids ('8086:10b5')) (pci_config_space_fields ('10:4:0')))  # c\n",
                        {Need("0000:13:04.0", Id(0x8086, 0x10b5), "e0", "2"),
                         Need("0000:13:04.0", Id(0x8086, 0x10b5), "e4", "4")});
  EXPECT_EQ(r.fields_added, 2);
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5)),
            (std::vector<std::string>{"000000e0:2:00000000", "000000e4:4:00000000", "10:4:0"}));
}

TEST(MergeXendQuirksTest, MergingRenderedOutput) {
  std::vector<QuirkNeed> first = {Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2")};
  std::string rendered = RenderXendQuirks(first);
  MergeResult same = Merge(rendered, first);
  EXPECT_EQ(same.fields_added, 0);
  EXPECT_EQ(same.text, rendered);
  MergeResult more = Merge(rendered, {Need("0000:13:04.0", Id(0x8086, 0x10b5), "0x1d6", "2")});
  EXPECT_EQ(more.fields_added, 1);
  EXPECT_EQ(Fields(more.text, Id(0x8086, 0x10b5)),
            (std::vector<std::string>{"000001d6:2:00000000", "000000e0:2:00000000"}));
}

TEST(MergeXendQuirksTest, EmptyFileAndNoFinalNewline) {
  MergeResult r = Merge("", {Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2")});
  EXPECT_EQ(r.stanzas_added, 1);
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5)).size(), 1u);
  // A last line that is a comment without a newline must not swallow the new stanza.
  r = Merge("# just a comment", {Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2")});
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5)).size(), 1u);
}

TEST(MergeXendQuirksTest, NeedsWithoutIdAreDescribedOnce) {
  std::vector<QuirkNeed> needs = {Need("0000:13:04.0", std::nullopt, "0xe0", "2")};
  MergeResult r = Merge(kShipped, needs);
  EXPECT_EQ(r.needs_without_id, 1);
  EXPECT_EQ(r.fields_added, 0);
  EXPECT_NE(r.text.find("lspci -n -s 13:04.0"), std::string::npos);
}

TEST(MergeXendQuirksTest, ParseErrorHasLineAndColumn) {
  MergeResult r;
  auto err = MergeXendQuirks("(tg3\n  (pci_ids ('14e4:1644')\n", "/etc/xen/xend-pci-quirks.sxp",
                             {Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2")}, &r);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->where.name, "/etc/xen/xend-pci-quirks.sxp");
  EXPECT_EQ(err->ToString().substr(0, 35), "/etc/xen/xend-pci-quirks.sxp:2:3: '");
  err = MergeXendQuirks("(a 'b)\n", "f", {}, &r);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->where.line, 1u);
  EXPECT_EQ(err->where.column, 4u);
}

TEST(MergeXendQuirksTest, BareStringFieldsAreAnError) {
  MergeResult r;
  auto err = MergeXendQuirks(
      "(dev (pci_ids ('8086:10b5'))\n (pci_config_space_fields '00000010:4:00000000'))", "f",
      {Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2")}, &r);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->where.line, 2u);
  EXPECT_EQ(err->where.column, 27u);
}

TEST(MergeXendQuirksTest, SeveralNeedsSeveralTargets) {
  std::vector<QuirkNeed> needs = {
      Need("0000:07:10.1", Id(0x14e4, 0x1644), "0xe0", "2"),
      Need("0000:07:10.2", Id(0x106b, 0x1645), "0xe4", "2"),  // same tg3 stanza
      Need("0000:13:04.0", Id(0x8086, 0x10b5), "0xe0", "2"),
      Need("0000:13:04.1", Id(0x8086, 0x10b5), "0xe0", "2"),
      Need("0000:14:00.0", Id(0x8086, 0x10b5, 0x103c, 0x3109), "0x44", "1")};
  MergeResult r = Merge(kShipped, needs);
  EXPECT_EQ(r.fields_added, 4);
  EXPECT_EQ(r.stanzas_added, 2);
  EXPECT_EQ(Fields(r.text, Id(0x14e4, 0x1644)).size(), 5u);
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5, 0x103c, 0x3109)),
            std::vector<std::string>{"00000044:1:00000000"});
  EXPECT_EQ(Fields(r.text, Id(0x8086, 0x10b5, 0x1111, 0x2222)),
            std::vector<std::string>{"000000e0:2:00000000"});
}

// Mutated copies of the shipped file: every one either fails to parse with a position, or
// merges keeping all its bytes, and merging again changes nothing.
TEST(MergeXendQuirksTest, MutatedFilesNeverBreakThePromises) {
  const std::string alphabet = "()'\"#\n \t\\:0fe8ab";
  const std::vector<QuirkNeed> needs = {Need("0000:07:10.1", Id(0x14e4, 0x1644), "0xe0", "2"),
                                        Need("0000:13:04.0", Id(0x8086, 0x10b5), "0x9c", "4"),
                                        Need("0000:13:04.1", std::nullopt, "0x44", "1")};
  uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u, seed >> 16; };
  int merged = 0;
  for (int round = 0; round < 400; ++round) {
    std::string text = kShipped;
    for (int k = 0, n = 1 + next() % 4; k < n; ++k) {
      text[next() % text.size()] = alphabet[next() % alphabet.size()];
    }
    MergeResult r;
    if (auto err = MergeXendQuirks(text, "m", needs, &r)) {
      EXPECT_GT(err->where.line, 0u);
      EXPECT_GT(err->where.column, 0u);
      continue;
    }
    ++merged;
    ASSERT_TRUE(OnlyInsertions(text, r.text)) << text;
    MergeResult again;
    ASSERT_FALSE(MergeXendQuirks(r.text, "m", needs, &again).has_value()) << r.text;
    EXPECT_EQ(again.fields_added, 0) << text << "\n----\n" << r.text;
    EXPECT_EQ(again.text, r.text) << text;
  }
  EXPECT_GT(merged, 50);
}

}  // namespace
}  // namespace kdiag
