// BootList: the layout is in the header.
#include "analyzer/output/boot_list.h"

#include <cstdio>
#include <map>
#include <utility>

#include "analyzer/input/wall_clock.h"
#include "analyzer/output/json_writer.h"
#include "analyzer/output/terminal_safe.h"

namespace kdiag {
namespace {

std::string Time(const std::optional<int64_t>& us) {
  std::string t = us ? FormatRfc3339Utc(*us) : "";
  return t.empty() ? "-" : t;
}

// Findings per boot: (input, boot within it) -> count.
std::map<std::pair<std::string, int>, uint64_t> FindingsPerBoot(
    const std::vector<Finding*>& findings) {
  std::map<std::pair<std::string, int>, uint64_t> per_boot;
  for (const Finding* f : findings) ++per_boot[{f->input, f->boot}];
  return per_boot;
}

uint64_t CountOf(const std::map<std::pair<std::string, int>, uint64_t>& per_boot,
                 const BootSpan& b) {
  auto it = per_boot.find({b.input, b.boot});
  return it == per_boot.end() ? 0 : it->second;
}

void TimeOrNull(const std::optional<int64_t>& us, JsonWriter* w) {
  std::string t = us ? FormatRfc3339Utc(*us) : "";
  if (t.empty()) {
    w->Null();
  } else {
    w->String(t);
  }
}

}  // namespace

std::string FormatBootListNdjson(const std::vector<BootSpan>& boots,
                                 const std::vector<Finding*>& findings) {
  const auto per_boot = FindingsPerBoot(findings);
  std::string out;
  const int64_t total = static_cast<int64_t>(boots.size());
  for (int64_t i = 0; i < total; ++i) {
    const BootSpan& b = boots[static_cast<size_t>(i)];
    JsonWriter w(&out);
    w.BeginObject();
    w.Key("type");
    w.String("boot");
    w.Key("index");
    w.Int(i + 1 - total);
    w.Key("index_from_start");
    w.Int(i + 1);
    w.Key("boot_id");
    if (b.boot_id.empty()) {
      w.Null();
    } else {
      w.String(b.boot_id);
    }
    w.Key("first_timestamp");
    TimeOrNull(b.first_us, &w);
    w.Key("last_timestamp");
    TimeOrNull(b.last_us, &w);
    w.Key("records");
    w.Int(static_cast<int64_t>(b.records));
    w.Key("findings");
    w.Int(static_cast<int64_t>(CountOf(per_boot, b)));
    w.Key("input");
    w.BeginObject();
    w.Key("name");
    w.String(b.input);
    w.EndObject();
    w.Key("boot");
    w.Int(b.boot);
    w.EndObject();
    out += '\n';
  }
  return out;
}

std::string FormatBootList(const std::vector<BootSpan>& boots,
                           const std::vector<Finding*>& findings) {
  const auto per_boot = FindingsPerBoot(findings);
  std::string out = "IDX FIRST BOOT_ID FIRST_ENTRY LAST_ENTRY RECORDS FINDINGS INPUT BOOT\n";
  const long total = static_cast<long>(boots.size());
  for (long i = 0; i < total; ++i) {
    const BootSpan& b = boots[static_cast<size_t>(i)];
    char head[64];
    std::snprintf(head, sizeof head, "%ld %ld ", i + 1 - total, i + 1);
    out += head;
    out += b.boot_id.empty() ? "-" : TerminalSafeLine(b.boot_id);
    out += " " + Time(b.first_us) + " " + Time(b.last_us) + " " + std::to_string(b.records) + " " +
           std::to_string(CountOf(per_boot, b)) + " " + TerminalSafeLine(b.input) + " " +
           std::to_string(b.boot) + "\n";
  }
  return out;
}

}  // namespace kdiag
