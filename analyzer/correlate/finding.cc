#include "analyzer/correlate/finding.h"

#include <algorithm>
#include <string_view>

namespace kdiag {

std::string FindingKey(const Rule& rule, const Fields& fields) {
  std::string key;
  if (rule.key.empty()) {
    for (const auto& [name, value] : fields) {
      key += name;
      key += '=';
      key += value;
      key += '\x1f';
    }
    return key;
  }
  for (const std::string& name : rule.key) {
    key += FieldValue(fields, name);
    key += '\x1f';
  }
  return key;
}

void FindingTable::Add(const Event& event) {
  Add(event, nullptr, arrivals_++);
}

void FindingTable::Add(const Event& event, const Event* merged, uint64_t arrival) {
  if (event.rule->fact) return;
  const Record& r = event.record;
  // Crash reports are the same finding when they have the same title (syzkaller's notion of the
  // same bug); addresses and tasks in their fields differ from one report to the next.
  Key key{r.input, r.boot, event.rule->id,
          event.crash ? event.crash->title : FindingKey(*event.rule, event.fields)};
  auto it = findings_.find(key);
  if (it == findings_.end()) {
    if (findings_.size() >= max_) {
      ++dropped_;
      return;
    }
    Finding f;
    f.rule = event.rule;
    f.boot = r.boot;
    f.fields = event.fields;
    f.summary = ExpandTemplate(event.rule->summary, event.fields);
    f.first_us = r.time_us;
    f.input = r.input;
    f.line = r.line;
    f.message = r.text;
    f.host = r.host;
    f.crash = event.crash;
    f.order = arrival;
    it = findings_.emplace(std::move(key), std::move(f)).first;
  }
  Finding& f = it->second;
  ++f.count;
  if (r.time_us) f.last_us = r.time_us;
  f.last_line = r.line;
  f.order = std::min<size_t>(f.order, arrival);
  if (merged) AddMerged(*merged, &f);
}

void FindingTable::AddMerged(const Event& merged, Finding* f) {
  auto part = std::find_if(f->merged.begin(), f->merged.end(),
                           [&](const MergedEvents& m) { return m.rule == merged.rule->id; });
  if (part == f->merged.end()) {
    MergedEvents m;
    m.rule = merged.rule->id;
    m.line = merged.record.line;
    m.message = merged.record.text;
    f->merged.push_back(std::move(m));
    part = f->merged.end() - 1;
    // The finding's fields are its own event's, completed by the first merged event's.
    for (const auto& [name, value] : merged.fields) {
      if (FieldValue(f->fields, name).empty()) f->fields.emplace_back(name, value);
    }
  }
  ++part->count;
}

void FindingTable::Rebind(const std::vector<Rule>& rules) {
  std::map<std::string_view, const Rule*> by_id;
  for (const Rule& r : rules) by_id.emplace(r.id, &r);
  std::map<std::string, Rule> retired;
  for (auto& [key, f] : findings_) {
    auto now = by_id.find(f.rule->id);
    if (now != by_id.end()) {
      f.rule = now->second;
      continue;
    }
    // One copy per id: the findings of a retired rule all had the one rule of that id.
    auto kept = retired.try_emplace(f.rule->id, *f.rule).first;
    f.rule = &kept->second;
  }
  // Only the copies a finding points at stay (swapped, not moved: their addresses do not change).
  retired_.swap(retired);
}

std::vector<Finding*> FindingTable::Sorted() {
  std::vector<Finding*> out;
  out.reserve(findings_.size());
  for (auto& [key, f] : findings_) out.push_back(&f);
  std::sort(out.begin(), out.end(), [](const Finding* a, const Finding* b) {
    if (a->input != b->input) return a->order < b->order;
    if (a->boot != b->boot) return a->boot < b->boot;
    if (a->rule->severity != b->rule->severity) return a->rule->severity > b->rule->severity;
    return a->order < b->order;
  });
  return out;
}

}  // namespace kdiag
