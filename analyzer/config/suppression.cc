#include "analyzer/config/suppression.h"

#include <fnmatch.h>

#include <ctime>

#include <re2/re2.h>

namespace kdiag {

Suppressor::Suppressor(const std::vector<Suppression>& entries, const std::string& today,
                       std::vector<std::string>* notices) {
  for (const Suppression& s : entries) {
    if (!s.expires.empty() && s.expires < today) {
      notices->push_back(s.where.ToString() + ": suppression of '" + s.rule + "' expired on " +
                         s.expires + " and no longer applies (reason given: " + s.reason + ")");
      continue;
    }
    Active a;
    a.rule = s.rule;
    if (!s.match.empty()) {
      RE2::Options opt;
      opt.set_log_errors(false);
      a.match = std::make_unique<RE2>(s.match, opt);
    }
    a.fields = s.fields;
    entries_.push_back(std::move(a));
  }
}

Suppressor::~Suppressor() = default;

bool Suppressor::Suppresses(std::string_view rule_id, std::string_view message,
                            const Fields& fields) const {
  const std::string id(rule_id);
  for (const Active& a : entries_) {
    if (fnmatch(a.rule.c_str(), id.c_str(), 0) != 0) continue;
    if (a.match && !RE2::PartialMatch(message, *a.match)) continue;
    bool equal = true;  // an absent capture has the value "" (empty captures are left out)
    for (const auto& [name, value] : a.fields) equal = equal && FieldValue(fields, name) == value;
    if (equal) return true;
  }
  return false;
}

std::string Today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace kdiag
