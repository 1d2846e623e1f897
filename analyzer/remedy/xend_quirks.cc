// xend-pci-quirks.sxp: rendering new stanzas, and merging fields into a user's existing file.
//
// The one rule that shapes everything here is xend's lookup (tools/python/xen/xend/server/
// pciquirk.py, __getQuirksByID and __matchPCIdev, Xen 3.0.3 to 4.4): stanzas are tried in file
// order, the FIRST whose pci_ids list matches the device supplies all its fields, and later
// stanzas are never consulted. So a new field for a device some stanza already matches must go
// into that stanza; appending a second stanza would be silently ignored. The matcher below
// reproduces __matchPCIdev closely, quirks included (the vendor:device prefix is compared
// case-sensitively against lower-case hex; an entry with 1, 3 or 5+ parts ends the search of
// its stanza), because it predicts what xend will do with the merged file.
//
// The merge never reformats: it parses the file with offsets (sxp.h) and inserts text at chosen
// points, so comments, tabs and layout of the user's file survive byte for byte.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "analyzer/input/hex.h"
#include "analyzer/remedy/quirk.h"
#include "analyzer/remedy/sxp.h"

namespace kdiag {
namespace {

constexpr size_t kMaxListed = 4;  // sources or BDFs named in one comment

// A PciId with half-known subsystem IDs is treated as having none (PciId::ToString does too).
PciId Normalized(PciId id) {
  if (!id.subvendor || !id.subdevice) id.subvendor = id.subdevice = std::nullopt;
  return id;
}

// Stanza order: by vendor:device, the 4-part (more specific) entry BEFORE the 2-part one, so
// that xend's first-match rule does not hide the specific stanza behind the general one.
struct IdOrder {
  bool operator()(const PciId& a, const PciId& b) const {
    return std::make_tuple(a.vendor, a.device, !a.subvendor, a.subvendor.value_or(0),
                           a.subdevice.value_or(0)) <
           std::make_tuple(b.vendor, b.device, !b.subvendor, b.subvendor.value_or(0),
                           b.subdevice.value_or(0));
  }
};

struct Source {
  std::string reported_by;
  Bdf bdf;
  bool operator==(const Source& o) const { return reported_by == o.reported_by && bdf == o.bdf; }
};

void AddSource(std::vector<Source>* sources, const QuirkNeed& need) {
  Source s{need.reported_by, need.bdf};
  if (std::find(sources->begin(), sources->end(), s) == sources->end()) sources->push_back(s);
}

// Everything one stanza (or one merge target) gets.
struct Group {
  PciId id;
  std::string name;
  std::set<Bdf> bdfs;
  std::map<QuirkField, std::vector<Source>> fields;

  void Add(const QuirkNeed& need) {
    if (name.empty()) name = need.device_name;
    bdfs.insert(need.bdf);
    AddSource(&fields[need.field], need);
  }
};

// "reported by -:1 (0000:13:04.0), -:5 (0000:13:04.1)"; without the BDFs when the comment is
// already about one device.
std::string FieldComment(const std::vector<Source>& sources, bool with_bdf = true) {
  std::string s = "reported by ";
  for (size_t i = 0; i < sources.size() && i < kMaxListed; ++i) {
    if (i > 0) s += ", ";
    std::string by = CommentText(sources[i].reported_by, 60);
    if (by.empty()) {
      s += sources[i].bdf.ToString();
    } else {
      s += with_bdf ? by + " (" + sources[i].bdf.ToString() + ")" : by;
    }
  }
  if (sources.size() > kMaxListed) {
    s += " and " + std::to_string(sources.size() - kMaxListed) + " more";
  }
  return s;
}

std::string IdComment(const Group& g) {
  std::string s = CommentText(g.name, 100);
  s += s.empty() ? "at " : " at ";
  size_t n = 0;
  for (const Bdf& b : g.bdfs) {
    if (n == kMaxListed) {
      s += " and " + std::to_string(g.bdfs.size() - kMaxListed) + " more";
      break;
    }
    s += (n++ > 0 ? ", " : "") + b.ToString();
  }
  return s;
}

// One quoted entry with its comment.
struct Entry {
  std::string text;
  std::string comment;
};

// A list laid out as in tools/examples/xend-pci-quirks.sxp, one entry per line, the comment
// after it, the closing paren after the last entry (before its comment, which would otherwise
// swallow it). Every line starts with `indent` and ends with a newline.
std::string ListText(const std::string& indent, const std::vector<Entry>& entries) {
  std::string s;
  for (size_t i = 0; i < entries.size(); ++i) {
    bool last = i + 1 == entries.size();
    s += indent + (i == 0 ? "(" : " ") + "'" + entries[i].text + "'" + (last ? ")" : "");
    if (!entries[i].comment.empty()) s += (last ? "  # " : "   # ") + entries[i].comment;
    s += '\n';
  }
  return s;
}

std::vector<Entry> FieldEntries(const std::map<QuirkField, std::vector<Source>>& fields) {
  std::vector<Entry> entries;
  for (const auto& [field, sources] : fields) {
    entries.push_back({field.ToString(), FieldComment(sources)});
  }
  return entries;
}

std::string StanzaText(const Group& g) {
  std::string name = "kdiag_" + g.id.ToString();
  std::replace(name.begin(), name.end(), ':', '_');
  return "(" + name + "\n    (pci_ids\n" + ListText("        ", {{g.id.ToString(), IdComment(g)}}) +
         "    )\n    (pci_config_space_fields\n" + ListText("        ", FieldEntries(g.fields)) +
         "    )\n)\n";
}

using Groups = std::map<PciId, Group, IdOrder>;

void AddToGroups(Groups* groups, const QuirkNeed& need, const PciId& id) {
  Group& g = (*groups)[id];
  g.id = id;
  g.Add(need);
}

// Needs without an ID: a comment block per BDF saying how to find the ID.
std::string NoIdText(const std::map<Bdf, std::map<QuirkField, std::vector<Source>>>& no_id) {
  if (no_id.empty()) return "";
  std::string s =
      "# No vendor:device ID is known for the devices below, so they have no stanza (xend matches\n"
      "# by ID, and a guessed ID would match the wrong device or none). Find the ID with the\n"
      "# lspci command shown, or re-run kdiag with --lspci FILE (saved `lspci -n` output) to\n"
      "# have the stanza written.\n";
  for (const auto& [bdf, fields] : no_id) {
    std::string dev = bdf.domain == 0 ? bdf.ShortString() : bdf.ToString();
    s += "#   " + bdf.ToString() + " (lspci -n -s " + dev + ") needs:\n";
    for (const auto& [field, sources] : fields) {
      s += "#     " + field.ToString() + "  " + FieldComment(sources, false) + "\n";
    }
  }
  return s;
}

const char kHeader[] =
    "# xend-pci-quirks.sxp stanzas written by kdiag from pciback's \"read-only configuration\n"
    "# space field\" warnings and, where the log has them, its verbose write requests\n"
    "# (drivers/xen/xen-pciback/conf_space.c).\n"
    "#\n"
    "# xend (Xen 3.0.3 to 4.4) reads /etc/xen/xend-pci-quirks.sxp when a domain with a\n"
    "# passed-through device starts, and uses only the FIRST stanza whose pci_ids match the\n"
    "# device. If the file already has a stanza for one of these devices, the fields must go\n"
    "# into that stanza: `kdiag --emit xend-quirks --merge /etc/xen/xend-pci-quirks.sxp` does it.\n"
    "#   pci_ids:                 <vendor>:<device>[:<subvendor>:<subdevice>], ffff = any\n"
    "#   pci_config_space_fields: <register>:<size in bytes>:<mask, unused>\n"
    "#\n"
    "# Fixing a device is iterative: pciback warns only once per device binding. Once the guest\n"
    "# may write these registers it can stop at the next read-only one, and that is reported\n"
    "# only after the device is re-bound to pciback or the host is rebooted. Repeat until the\n"
    "# log shows no new warning, or log every config-space write of the guest once (pciback's\n"
    "# verbose_request, dynamic debug from Linux 5.8; see kdiag's report) and kdiag lists every\n"
    "# field the device needs at once.\n";

// ---- xend's lookup ----

// The top-level stanzas as pciquirk.py sees them: children(['xend-pci-quirks'] + values).
std::vector<const SxpNode*> Stanzas(const std::vector<SxpNode>& top) {
  std::vector<const SxpNode*> s;
  for (size_t i = 0; i < top.size(); ++i) {
    if (i == 0 && top[i].IsElement("@")) continue;
    s.push_back(&top[i]);
  }
  return s;
}

bool IsWildcard(std::string_view part) {
  return part == "ffff" || part == "FFFF";
}

std::vector<std::string_view> SplitColons(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ':') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::string Hex4(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", static_cast<unsigned>(v));
  return buf;
}

// pciquirk.py __matchPCIdev. `ids` is child_at(child(stanza, 'pci_ids'), 0). Unknown subsystem
// IDs (id.subvendor empty) match a 4-part entry only when both its parts are ffff wildcards.
bool IdsMatch(const SxpNode* ids, const PciId& id) {
  // A bare string here is iterated character by character by xend: never a match.
  if (ids == nullptr || !ids->is_list()) return false;
  const std::string devid = Hex4(id.vendor) + ":" + Hex4(id.device);
  for (const SxpNode& entry : ids->children) {
    if (!entry.is_atom()) continue;  // xend raises AttributeError on a nested list
    if (entry.value.compare(0, devid.size(), devid) != 0) continue;
    std::vector<std::string_view> parts = SplitColons(entry.value);
    if (parts.size() == 2) return true;
    if (parts.size() != 4) return false;  // "invalid configuration entry" ends the search
    if (!id.subvendor || !id.subdevice) {
      if (IsWildcard(parts[2]) && IsWildcard(parts[3])) return true;
      continue;
    }
    if (!IsWildcard(parts[2]) && parts[2] != Hex4(*id.subvendor)) continue;
    if (!IsWildcard(parts[3]) && parts[3] != Hex4(*id.subdevice)) continue;
    return true;
  }
  return false;
}

const SxpNode* IdsOf(const SxpNode& stanza) {
  const SxpNode* pci_ids = SxpChild(stanza, "pci_ids");
  return pci_ids ? SxpChildAt(*pci_ids, 0) : nullptr;
}

const SxpNode* FindStanza(const std::vector<SxpNode>& top, const PciId& id) {
  for (const SxpNode* stanza : Stanzas(top)) {
    if (IdsMatch(IdsOf(*stanza), id)) return stanza;
  }
  return nullptr;
}

std::string StanzaName(const SxpNode& stanza) {
  if (stanza.is_list() && !stanza.children.empty() && stanza.children[0].is_atom()) {
    return CommentText(stanza.children[0].value, 40);
  }
  return "(unnamed)";
}

// For a need without subsystem IDs: an earlier stanza with a specific 4-part entry for the same
// vendor:device, which xend would use instead of the appended stanza if the subsystem matches.
std::string ShadowNote(const std::vector<SxpNode>& top, const PciId& id) {
  if (id.subvendor) return "";
  const std::string devid = Hex4(id.vendor) + ":" + Hex4(id.device) + ":";
  for (const SxpNode* stanza : Stanzas(top)) {
    const SxpNode* ids = IdsOf(*stanza);
    if (ids == nullptr || !ids->is_list()) continue;
    for (const SxpNode& entry : ids->children) {
      if (entry.is_atom() && entry.value.compare(0, devid.size(), devid) == 0) {
        return "# Note: stanza " + StanzaName(*stanza) + " (line " + std::to_string(stanza->line) +
               ") lists " + CommentText(entry.value, 40) +
               ". If this device has\n# that subsystem ID, xend uses that stanza and ignores "
               "this one: add the fields there.\n";
      }
    }
  }
  return "";
}

// ---- text positions for insertion ----

size_t LineStart(std::string_view text, size_t pos) {
  size_t nl = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  return pos == 0 || nl == std::string_view::npos ? 0 : nl + 1;
}

bool BeginsLine(std::string_view text, size_t pos) {
  for (size_t i = LineStart(text, pos); i < pos; ++i) {
    if (text[i] != ' ' && text[i] != '\t') return false;
  }
  return true;
}

// The leading whitespace of pos's line.
std::string IndentOf(std::string_view text, size_t pos) {
  size_t start = LineStart(text, pos), i = start;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  return std::string(text.substr(start, i - start));
}

// Whitespace that reaches pos's column: the line up to pos with every non-tab byte a space.
std::string AlignTo(std::string_view text, size_t pos) {
  std::string s;
  for (size_t i = LineStart(text, pos); i < pos; ++i) s += text[i] == '\t' ? '\t' : ' ';
  return s;
}

struct Insertion {
  size_t offset;
  std::string text;
};

std::string EntryLines(const std::string& indent, const std::vector<Entry>& entries) {
  std::string s;
  for (const Entry& e : entries) s += indent + "'" + e.text + "'   # kdiag: " + e.comment + "\n";
  return s;
}

// New entries into an existing fields list. Preferred: on their own lines just before the
// closing paren when it starts its line. When the paren follows the last entry (the example
// file's layout), text inserted before it would either glue onto that entry's line or, with a
// comment, comment the paren out; so the new lines go before the last entry that starts a line
// (order within the list does not matter to xend, and every existing comment stays on its
// entry's line). A list written on one line gets the new entries right after its '('.
Insertion IntoList(std::string_view text, const SxpNode& list, const std::vector<Entry>& add) {
  const size_t close = list.end - 1;
  if (BeginsLine(text, close)) {
    // Indent like the last entry if it starts its line, else align with the first entry.
    std::string indent;
    if (list.children.empty()) {
      indent = AlignTo(text, list.begin) + " ";
    } else if (BeginsLine(text, list.children.back().begin)) {
      indent = IndentOf(text, list.children.back().begin);
    } else {
      indent = AlignTo(text, list.children.front().begin);
    }
    return {LineStart(text, close), EntryLines(indent, add)};
  }
  for (auto it = list.children.rbegin(); it != list.children.rend(); ++it) {
    if (BeginsLine(text, it->begin)) {
      return {LineStart(text, it->begin), EntryLines(IndentOf(text, it->begin), add)};
    }
  }
  std::string align = AlignTo(text, list.begin) + " ";
  std::string s;
  for (const Entry& e : add) s += "'" + e.text + "'   # kdiag: " + e.comment + "\n" + align;
  return {list.begin + 1, s};
}

// A new list into `(pci_config_space_fields)` that has none, or a new element into a stanza.
// `block` is complete lines; `closing_indent` re-indents the paren it is inserted before.
Insertion BeforeClose(std::string_view text, const SxpNode& node, const std::string& block,
                      const std::string& closing_indent) {
  const size_t close = node.end - 1;
  if (BeginsLine(text, close)) return {LineStart(text, close), block};
  return {close, "\n" + block + closing_indent};
}

std::string ElementIndent(std::string_view text, const SxpNode& stanza) {
  const SxpNode* pci_ids = SxpChild(stanza, "pci_ids");
  if (pci_ids && BeginsLine(text, pci_ids->begin)) return IndentOf(text, pci_ids->begin);
  return IndentOf(text, stanza.begin) + "    ";
}

// "RRRRRRRR:S:MMMMMMMM" compared as numbers: register and size, case-insensitive hex (the
// mask is unused by pciback's quirks, so a different mask does not make a different field).
// An entry that is not a valid field cannot equal one kdiag adds, the mask included: pciback's
// quirks store (drivers/xen/xen-pciback/pci_stub.c str_to_quirk: sscanf " %x:%x:%x.%x-%x:%x:%x %n"
// and then `parsed && !buf[parsed]`) refuses a line with anything after the mask, so xend would
// write such an entry in vain and the register would stay read-only. (Found by
// fuzz/parser_fuzzer.cc's sxp_merge target.)
std::optional<QuirkField> FieldKey(std::string_view s) {
  std::vector<std::string_view> parts = SplitColons(s);
  if (parts.size() != 3 || !ParseHex(parts[2], 8)) return std::nullopt;
  std::string_view size = parts[1];
  while (size.size() > 1 && size[0] == '0') size.remove_prefix(1);
  return QuirkField::Parse(parts[0], size);
}

}  // namespace

std::string RenderXendQuirks(const std::vector<QuirkNeed>& needs, const ToolstackEra& era) {
  Groups groups;
  std::map<Bdf, std::map<QuirkField, std::vector<Source>>> no_id;
  for (const QuirkNeed& need : needs) {
    if (!PrintableNeed(need)) continue;
    if (need.id) {
      AddToGroups(&groups, need, Normalized(*need.id));
    } else {
      AddSource(&no_id[need.bdf][need.field], need);
    }
  }
  if (groups.empty() && no_id.empty()) {
    return "# kdiag: no pciback read-only configuration space write that kdiag may fix (refused "
           "ones are\n"
           "# named on stderr); no quirk needed.\n";
  }
  std::string out = kHeader;
  out += "#\n" + EraComment(era);
  if (era.toolstack == Toolstack::kXl) {
    out +=
        "# xl reads no quirks file and xend is gone since Xen 4.5, so nothing on it reads this\n"
        "# file: use the sysfs quirks instead (kdiag --emit sysfs-quirks).\n";
  }
  if (era.MayHaveOldXend()) out += "#\n" + CommentLines(kOldXendPermissiveBug);
  out += MsiCaveat(needs);
  for (const auto& [id, g] : groups) out += "\n" + StanzaText(g);
  if (!no_id.empty()) out += "\n" + NoIdText(no_id);
  return out;
}

std::optional<Error> MergeXendQuirks(std::string_view existing, std::string_view name,
                                     const std::vector<QuirkNeed>& needs, MergeResult* out) {
  std::vector<SxpNode> top;
  if (auto err = ParseSxp(existing, name, &top)) return err;
  *out = MergeResult{};

  // Which stanza each need lands in (by xend's lookup), or a new stanza.
  std::vector<const SxpNode*> targets;  // in file order of first use
  std::map<const SxpNode*, Group> planned;
  Groups fresh;
  std::map<Bdf, std::map<QuirkField, std::vector<Source>>> no_id;
  for (const QuirkNeed& need : needs) {
    if (!PrintableNeed(need)) continue;
    if (!need.id) {
      AddSource(&no_id[need.bdf][need.field], need);
      continue;
    }
    PciId id = Normalized(*need.id);
    if (const SxpNode* stanza = FindStanza(top, id)) {
      if (!planned.count(stanza)) targets.push_back(stanza);
      planned[stanza].Add(need);
    } else {
      AddToGroups(&fresh, need, id);
    }
  }
  out->needs_without_id = static_cast<int>(no_id.size());

  std::vector<Insertion> edits;
  for (const SxpNode* stanza : targets) {
    const Group& g = planned[stanza];
    const SxpNode* element = SxpChild(*stanza, "pci_config_space_fields");
    const SxpNode* list = element ? SxpChildAt(*element, 0) : nullptr;
    if (list && !list->is_list()) {
      return Error{Location{std::string(name), list->line, list->column},
                   "pci_config_space_fields of stanza " + StanzaName(*stanza) +
                       " is a bare string, not a list in parentheses; xend would write it to "
                       "pciback one character at a time. Put the entries in ( )."};
    }
    std::set<QuirkField> present;  // mask always 0
    if (list) {
      for (const SxpNode& entry : list->children) {
        if (!entry.is_atom()) continue;
        if (auto key = FieldKey(entry.value)) present.insert(*key);
      }
    }
    std::map<QuirkField, std::vector<Source>> missing;
    for (const auto& [field, sources] : g.fields) {
      QuirkField key = field;
      key.mask = 0;
      if (!present.count(key)) missing[field] = sources;
    }
    if (missing.empty()) continue;
    out->fields_added += static_cast<int>(missing.size());
    std::vector<Entry> entries = FieldEntries(missing);
    if (list) {
      edits.push_back(IntoList(existing, *list, entries));
      continue;
    }
    for (Entry& e : entries) e.comment = "kdiag: " + e.comment;
    std::string elem_indent = ElementIndent(existing, *stanza);
    if (element) {
      edits.push_back(
          BeforeClose(existing, *element, ListText(elem_indent + "    ", entries), elem_indent));
    } else {
      std::string block = elem_indent + "(pci_config_space_fields\n" +
                          ListText(elem_indent + "    ", entries) + elem_indent + ")\n";
      edits.push_back(BeforeClose(existing, *stanza, block, IndentOf(existing, stanza->begin)));
    }
  }

  std::string tail;
  for (const auto& [id, g] : fresh) {
    tail += "\n# Added by kdiag: no earlier stanza matches " + id.ToString() + ".\n";
    tail += ShadowNote(top, id) + StanzaText(g);
    out->fields_added += static_cast<int>(g.fields.size());
    ++out->stanzas_added;
  }
  std::string no_id_text = NoIdText(no_id);
  if (!no_id_text.empty() && existing.find(no_id_text) == std::string_view::npos) {
    tail += "\n" + no_id_text;
  }
  if (!tail.empty()) {
    if (!existing.empty() && existing.back() != '\n') tail.insert(0, "\n");
    edits.push_back({existing.size(), tail});
  }

  std::stable_sort(edits.begin(), edits.end(),
                   [](const Insertion& a, const Insertion& b) { return a.offset < b.offset; });
  size_t done = 0;
  for (const Insertion& e : edits) {
    out->text.append(existing.substr(done, e.offset - done));
    out->text += e.text;
    done = e.offset;
  }
  out->text.append(existing.substr(done));
  return std::nullopt;
}

std::optional<std::vector<std::string>> XendQuirksFor(std::string_view sxp_text, const PciId& id,
                                                      std::optional<Error>* error) {
  std::vector<SxpNode> top;
  if (auto err = ParseSxp(sxp_text, "xend-pci-quirks.sxp", &top)) {
    if (error) *error = err;
    return std::nullopt;
  }
  const SxpNode* stanza = FindStanza(top, Normalized(id));
  if (stanza == nullptr) return std::nullopt;
  std::vector<std::string> fields;
  const SxpNode* element = SxpChild(*stanza, "pci_config_space_fields");
  const SxpNode* list = element ? SxpChildAt(*element, 0) : nullptr;
  if (list == nullptr) return fields;  // xend itself fails here (iterating None)
  if (!list->is_list()) {
    for (char c : list->value) fields.push_back(std::string(1, c));  // xend iterates the string
    return fields;
  }
  for (const SxpNode& entry : list->children) {
    if (entry.is_atom()) fields.push_back(entry.value);
  }
  return fields;
}

}  // namespace kdiag
