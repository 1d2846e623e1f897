// Sxp: xend's S-expression files, parsed the way xend parses them, with byte offsets.
//
// xend reads /etc/xen/xend-pci-quirks.sxp with tools/python/xen/xend/sxp.py, a hand-written
// character state machine: `(` and `)` make lists; `'...'` and `"..."` are strings with backslash
// escapes; `#` starts a comment to the end of the line; anything else printable starts a bare
// symbol that runs to whitespace, `#` or one of `{}()<>[]!;`. kdiag parses the same grammar
// and keeps where every token starts and ends, so a merge can insert text into the user's file
// and leave every other byte (comments, indentation, tabs) as it was.
#ifndef KDIAG_REMEDY_SXP_H_
#define KDIAG_REMEDY_SXP_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/input/location.h"

namespace kdiag {

struct SxpNode {
  enum class Kind { kList, kSymbol, kString };
  Kind kind = Kind::kList;
  std::string value;    // symbols and strings: the text, escapes decoded; empty for lists
  size_t begin = 0;     // byte offset of '(', the opening quote, or the symbol's first byte
  size_t end = 0;       // one past ')', the closing quote, or the symbol's last byte
  uint64_t line = 0;    // of `begin`, 1-based
  uint32_t column = 0;  // of `begin`, 1-based, counted in bytes (a tab is one)
  std::vector<SxpNode> children;  // lists only

  bool is_list() const { return kind == Kind::kList; }
  // A string or a symbol: both are Python strings to xend.
  bool is_atom() const { return kind != Kind::kList; }
  // sxp.py elementp(x, name): a non-empty list whose first item is the atom `name`.
  bool IsElement(std::string_view name) const;
};

// Lists nested deeper than this are refused (the parse is iterative, but a tree that deep would
// be destroyed recursively; no real xend file nests more than three levels).
constexpr int kSxpMaxDepth = 200;

// Parses all top-level values of `text` into *out. On a syntax error returns it with the line
// and column (`name` is the file name used in the error) and leaves *out unspecified.
std::optional<Error> ParseSxp(std::string_view text, std::string_view name,
                              std::vector<SxpNode>* out);

// sxp.py children(): the items of a list after its name, skipping a leading `(@ ...)` attribute
// list. Empty for atoms and for lists of fewer than two items.
std::vector<const SxpNode*> SxpChildren(const SxpNode& node);

// sxp.py child(): the first child that IsElement(name), or null.
const SxpNode* SxpChild(const SxpNode& node, std::string_view name);

// sxp.py child_at(): the index-th child, or null.
const SxpNode* SxpChildAt(const SxpNode& node, size_t index);

}  // namespace kdiag

#endif  // KDIAG_REMEDY_SXP_H_
