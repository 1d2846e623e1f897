#include "analyzer/correlate/finding_links.h"

#include <algorithm>

namespace kdiag {

FindingLinks::FindingLinks(const std::vector<Rule>& rules) {
  std::map<std::string_view, const Rule*> by_id;
  for (const Rule& r : rules) by_id.emplace(r.id, &r);
  for (const Rule& r : rules) {
    for (const MergeSpec& m : r.merges) {
      auto other = by_id.find(m.other);
      if (other == by_id.end()) continue;  // refused by CheckUniqueIds
      Link link{&r, &m, other->second, &r};
      if (!m.other_first) std::swap(link.first, link.second);
      by_first_[link.first->id].push_back(link);
      by_second_[link.second->id].push_back(link);
    }
  }
}

bool FindingLinks::Pairs(const Link& link, const Event& first, const Event& second) {
  if (first.rule != link.first) return false;
  const Record& a = first.record;
  const Record& b = second.record;
  if (a.input != b.input || a.boot != b.boot) return false;
  if (b.line > a.line && b.line - a.line > link.spec->lines) return false;
  if (link.spec->max_us >= 0 && a.time_us && b.time_us) {
    int64_t apart = *b.time_us > *a.time_us ? *b.time_us - *a.time_us : *a.time_us - *b.time_us;
    if (apart > link.spec->max_us) return false;
  }
  for (const std::string& name : link.spec->fields) {
    if (FieldValue(first.fields, name) != FieldValue(second.fields, name)) return false;
  }
  const Event& other = link.owner == link.first ? second : first;
  for (const auto& [name, value] : link.spec->other_values) {
    if (FieldValue(other.fields, name) != value) return false;
  }
  return true;
}

void FindingLinks::Expire(const Record& now, FindingTable* table) {
  while (!held_.empty()) {
    const Held& h = held_.front();
    const Record& r = h.event.record;
    bool open = r.input == now.input && r.boot == now.boot &&
                (now.line <= r.line || now.line - r.line <= h.window);
    if (open && held_.size() < kMaxHeldFirsts && held_bytes_ <= kMaxHeldBytes) return;
    table->Add(h.event, nullptr, h.arrival);
    held_bytes_ -= r.text.size();
    held_.pop_front();
  }
}

void FindingLinks::Add(const Event& event, FindingTable* table) {
  uint64_t arrival = arrivals_++;
  if (held_.empty() && by_first_.empty()) return table->Add(event, nullptr, arrival);
  Expire(event.record, table);

  auto second = by_second_.find(event.rule->id);
  if (second != by_second_.end()) {
    for (const Link& link : second->second) {
      for (auto it = held_.begin(); it != held_.end(); ++it) {
        if (!Pairs(link, it->event, event)) continue;
        // The finding is the owner's; it is ordered where the pair starts.
        if (link.owner == event.rule) {
          table->Add(event, &it->event, it->arrival);
        } else {
          table->Add(it->event, &event, it->arrival);
        }
        held_bytes_ -= it->event.record.text.size();
        held_.erase(it);
        return;
      }
    }
  }

  auto first = by_first_.find(event.rule->id);
  if (first == by_first_.end()) return table->Add(event, nullptr, arrival);
  uint64_t window = 0;
  for (const Link& link : first->second) window = std::max(window, link.spec->lines);
  held_.push_back(Held{event, arrival, window});
  held_bytes_ += event.record.text.size();
}

void FindingLinks::Flush(FindingTable* table) {
  for (const Held& h : held_) table->Add(h.event, nullptr, h.arrival);
  held_.clear();
  held_bytes_ = 0;
}

}  // namespace kdiag
