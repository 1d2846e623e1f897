#include "analyzer/correlate/platform_facts.h"

#include <string_view>

#include "analyzer/correlate/event.h"

namespace kdiag {
namespace {

// 1 to 3 decimal digits, the shape rules/platform.toml captures.
std::optional<int> SmallNumber(std::string_view s) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Printable ASCII without spaces, at most `max` bytes; empty when anything else is in it.
std::string Token(std::string_view s, size_t max) {
  if (s.size() > max) return "";
  for (char c : s) {
    if (c <= ' ' || c > '~') return "";
  }
  return std::string(s);
}

std::string Where(const Event& event) {
  return event.record.input + ":" + std::to_string(event.record.line);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string XenVersion::ToString() const {
  return std::to_string(major) + "." + std::to_string(minor) + extra;
}

void AddPlatformFact(const Event& event, PlatformFacts* facts) {
  const std::string& id = event.rule->id;
  if (id == kXenVersionRule) {
    if (facts->xen) return;
    auto major = SmallNumber(FieldValue(event.fields, "major"));
    auto minor = SmallNumber(FieldValue(event.fields, "minor"));
    std::string_view extra = FieldValue(event.fields, "extra");
    std::string extra_token = Token(extra, 32);
    if (!major || !minor || extra_token.size() != extra.size()) return;
    facts->xen = XenVersion{*major, *minor, extra_token};
    facts->xen_where = Where(event);
  } else if (StartsWith(id, kXendRulePrefix)) {
    if (facts->xend_where.empty()) facts->xend_where = Where(event);
  } else if (StartsWith(id, kLibxlRulePrefix)) {
    if (facts->libxl_where.empty()) facts->libxl_where = Where(event);
  }
}

}  // namespace kdiag
