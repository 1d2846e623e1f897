#include "analyzer/correlate/config_writes.h"

#include "analyzer/correlate/event.h"
#include "analyzer/input/hex.h"

namespace kdiag {

void ConfigWrites::Add(const Event& event) {
  if (event.rule->id != kConfigWriteRule) return;
  Add(event.record.input, event.record.line, FieldValue(event.fields, "bdf"),
      FieldValue(event.fields, "offset"), FieldValue(event.fields, "size"));
}

void ConfigWrites::Add(const std::string& input, uint64_t line, std::string_view bdf_text,
                       std::string_view offset, std::string_view size) {
  auto bdf = Bdf::Parse(bdf_text);
  auto reg = ParseHex(StripHexPrefix(offset), 8);
  unsigned width = size == "1" ? 1 : size == "2" ? 2 : size == "4" ? 4 : 0;
  // pciback refuses an unaligned request (valid_request) after logging it: never a quirk's.
  if (!bdf || !reg || *reg > 0xfff || width == 0 || *reg % width != 0) {
    ++invalid_;
    return;
  }
  ConfigWriteKey key{input, *bdf, static_cast<uint16_t>(*reg), static_cast<uint8_t>(width)};
  auto it = fields_.find(key);
  if (it == fields_.end()) {
    if (fields_.size() >= kMaxFields) {
      ++dropped_;
      return;
    }
    it = fields_.emplace(std::move(key), ConfigWriteSeen{line, 0}).first;
  }
  ++it->second.count;
}

ConfigWrites ConfigWrites::Without(const std::set<std::string>& inputs) const {
  ConfigWrites out;
  out.invalid_ = invalid_;
  out.dropped_ = dropped_;
  for (const auto& [key, seen] : fields_) {
    if (!inputs.count(key.input)) out.fields_.emplace(key, seen);
  }
  return out;
}

}  // namespace kdiag
