// BootList: the layout is in the header.
#include "analyzer/output/boot_list.h"

#include <cstdio>
#include <map>
#include <utility>

#include "analyzer/input/wall_clock.h"
#include "analyzer/output/terminal_safe.h"

namespace kdiag {
namespace {

std::string Time(const std::optional<int64_t>& us) {
  std::string t = us ? FormatRfc3339Utc(*us) : "";
  return t.empty() ? "-" : t;
}

}  // namespace

std::string FormatBootList(const std::vector<BootSpan>& boots,
                           const std::vector<Finding*>& findings) {
  std::map<std::pair<std::string, int>, uint64_t> per_boot;
  for (const Finding* f : findings) ++per_boot[{f->input, f->boot}];
  std::string out = "IDX FIRST BOOT_ID FIRST_ENTRY LAST_ENTRY RECORDS FINDINGS INPUT BOOT\n";
  const long total = static_cast<long>(boots.size());
  for (long i = 0; i < total; ++i) {
    const BootSpan& b = boots[static_cast<size_t>(i)];
    auto it = per_boot.find({b.input, b.boot});
    char head[64];
    std::snprintf(head, sizeof head, "%ld %ld ", i + 1 - total, i + 1);
    out += head;
    out += b.boot_id.empty() ? "-" : TerminalSafeLine(b.boot_id);
    out += " " + Time(b.first_us) + " " + Time(b.last_us) + " " + std::to_string(b.records) + " " +
           std::to_string(it == per_boot.end() ? 0 : it->second) + " " + TerminalSafeLine(b.input) +
           " " + std::to_string(b.boot) + "\n";
  }
  return out;
}

}  // namespace kdiag
