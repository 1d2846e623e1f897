#include "analyzer/correlate/finding_links.h"

#include <algorithm>
#include <utility>

namespace kdiag {

// Windows in seconds use the kernel clock when both records have one, and the wall clock when
// that is all they have (a syslog file, or a journal, whose lines carry no kernel stamp: issue
// 18's "windows use the kernel clock, or the wall clock when that is all a log has").
std::optional<int64_t> Elapsed(const Record& a, const Record& b) {
  if (a.time_us && b.time_us) return *b.time_us - *a.time_us;
  if (a.timestamp_us && b.timestamp_us) return *b.timestamp_us - *a.timestamp_us;
  return std::nullopt;
}

namespace {

// b within the window after (or, `either_way`, before) a: same input and boot, at most `lines`
// lines apart and, when their time apart is known (Elapsed), at most `max_us` (-1: no limit).
bool Within(const Record& a, const Record& b, uint64_t lines, int64_t max_us, bool either_way) {
  if (a.input != b.input || a.boot != b.boot) return false;
  if (b.line < a.line && !either_way) return false;
  uint64_t apart = b.line > a.line ? b.line - a.line : a.line - b.line;
  if (apart > lines) return false;
  std::optional<int64_t> elapsed = Elapsed(a, b);
  if (max_us >= 0 && elapsed) {
    int64_t dt = *elapsed;
    if (dt < 0 && !either_way) return false;
    if ((dt < 0 ? -dt : dt) > max_us) return false;
  }
  return true;
}

bool SameFields(const std::vector<std::string>& names, const Fields& a, const Fields& b) {
  for (const std::string& name : names) {
    if (FieldValue(a, name) != FieldValue(b, name)) return false;
  }
  return true;
}

}  // namespace

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
    for (const SettleSpec& settle : r.settles) {
      std::vector<const Rule*>& settled = settled_by_[settle.by];
      if (std::find(settled.begin(), settled.end(), &r) == settled.end()) settled.push_back(&r);
    }
    for (const ExplainSpec& e : r.explains) {
      std::vector<const Rule*>& causes = explained_by_[e.effect];
      if (std::find(causes.begin(), causes.end(), &r) == causes.end()) causes.push_back(&r);
    }
    if (r.threshold || !r.settles.empty() || !r.explains.empty() || r.part_of) gated_ = true;
  }
}

namespace {

size_t HeldBytes(const Event& event, const std::vector<Event>& effects) {
  size_t n = event.record.text.size();
  for (const Event& e : effects) n += e.record.text.size();
  return n;
}

}  // namespace

void FindingLinks::ToTable(const Event& event, const Event* merged, uint64_t arrival,
                           FindingTable* table) {
  table->Add(event, merged, arrival);
  if (event.rule->explains.empty() || event.rule->fact) return;
  Cause c{event, 0, 0};
  c.event.record.text.clear();  // the finding has it; only place, time and fields are needed
  for (const ExplainSpec& spec : event.rule->explains) {
    c.window = std::max(c.window, spec.lines);
    c.window_us = spec.max_us < 0 || c.window_us < 0 ? -1 : std::max(c.window_us, spec.max_us);
  }
  causes_.push_back(std::move(c));
  if (causes_.size() > kMaxHeldFirsts) causes_.pop_front();
}

void FindingLinks::Release(Held held, FindingTable* table) {
  ToTable(held.event, nullptr, held.arrival, table);
  for (const Event& effect : held.effects) {
    if (table->Explain(held.event, effect)) {
      ++explained_;
    } else {
      Admit(effect, arrivals_++, table);  // the cause made no finding (the table was full)
    }
  }
}

void FindingLinks::Unpaired(Held held, FindingTable* table) {
  Admit(held.event, held.arrival, table);
  for (const Event& effect : held.effects) {
    if (table->Explain(held.event, effect)) {
      ++explained_;
    } else {
      Admit(effect, arrivals_++, table);  // its cause is held again, or made no finding
    }
  }
}

void FindingLinks::Orphan(std::vector<Event> effects, FindingTable* table) {
  for (const Event& effect : effects) Admit(effect, arrivals_++, table);
}

bool FindingLinks::PartOf(const Event& effect, const std::string& effect_field, const Event& cause,
                          const std::string& cause_field) const {
  Node target{cause_field, std::string(FieldValue(cause.fields, cause_field))};
  Node node{effect_field, std::string(FieldValue(effect.fields, effect_field))};
  if (target.second.empty() || node.second.empty()) return false;
  bool graph = effect.record.input == parts_input_ && effect.record.boot == parts_boot_;
  for (int hop = 0; hop <= kMaxPartHops; ++hop) {
    if (node == target) return true;
    if (!graph) return false;
    auto whole = whole_of_.find(node);
    if (whole == whole_of_.end()) return false;
    node = whole->second;
  }
  return false;
}

bool FindingLinks::Explains(const Event& cause, const Event& effect) const {
  for (const ExplainSpec& spec : cause.rule->explains) {
    if (spec.effect != effect.rule->id) continue;
    if (!Within(cause.record, effect.record, spec.lines, spec.max_us, false)) continue;
    if (!SameFields(spec.fields, cause.fields, effect.fields)) continue;
    if (!spec.device_cause.empty() &&
        !PartOf(effect, spec.device_effect, cause, spec.device_cause)) {
      continue;
    }
    return true;
  }
  return false;
}

void FindingLinks::NotePart(const Event& event) {
  if (!event.rule->part_of) return;
  const Record& r = event.record;
  if (r.input != parts_input_ || r.boot != parts_boot_) {
    whole_of_.clear();
    parts_input_ = r.input;
    parts_boot_ = r.boot;
  }
  const PartOfSpec& spec = *event.rule->part_of;
  Node part{spec.part, std::string(FieldValue(event.fields, spec.part))};
  Node whole{spec.whole, std::string(FieldValue(event.fields, spec.whole))};
  if (part.second.empty() || whole.second.empty()) return;
  if (whole_of_.size() >= kMaxParts && !whole_of_.count(part)) whole_of_.clear();
  whole_of_[std::move(part)] = std::move(whole);
}

bool FindingLinks::Explain(const Event& event, uint64_t arrival, FindingTable* table) {
  if (!explained_by_.count(event.rule->id)) return false;
  // A held cause, the latest first: one waiting for an effect becomes a finding now; one waiting
  // to be resolved, or for the second event of its pair, keeps the effect until it is known
  // which finding it is part of.
  for (size_t i = held_.size(); i-- > 0;) {
    Held& h = held_[i];
    if (!Explains(h.event, event)) continue;
    if (h.needs_effect) {
      Held cause = std::move(h);
      held_.erase(held_.begin() + static_cast<std::ptrdiff_t>(i));
      held_bytes_ -= HeldBytes(cause.event, cause.effects);
      ToTable(cause.event, nullptr, cause.arrival, table);
      if (!table->Explain(cause.event, event)) return false;
      ++explained_;
      return true;
    }
    if (h.effects.size() >= kMaxHeldEffects || held_bytes_ > kMaxHeldBytes) return false;
    held_bytes_ += event.record.text.size();
    h.effects.push_back(event);
    return true;
  }
  for (auto it = causes_.rbegin(); it != causes_.rend(); ++it) {
    if (!Explains(it->event, event)) continue;
    if (!table->Explain(it->event, event)) return false;
    ++explained_;
    return true;
  }
  (void)arrival;
  return false;
}

bool FindingLinks::Pairs(const Link& link, const Event& first, const Event& second) {
  if (first.rule != link.first) return false;
  const Record& a = first.record;
  const Record& b = second.record;
  if (a.input != b.input || a.boot != b.boot) return false;
  if (b.line > a.line && b.line - a.line > link.spec->lines) return false;
  std::optional<int64_t> elapsed = Elapsed(a, b);
  if (link.spec->max_us >= 0 && elapsed) {
    int64_t apart = *elapsed < 0 ? -*elapsed : *elapsed;
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
    std::optional<int64_t> elapsed = Elapsed(r, now);
    if (open && h.window_us >= 0 && elapsed) open = *elapsed <= h.window_us;
    if (open && held_.size() < kMaxHeldFirsts && held_bytes_ <= kMaxHeldBytes) break;
    Held gone = std::move(held_.front());
    held_bytes_ -= HeldBytes(gone.event, gone.effects);
    held_.pop_front();
    // An unresolved event is a finding; the first of a pair that never came is an event like any
    // other of its rule (its threshold and settle tables apply); a cause that explained nothing
    // and is no finding alone is none.
    if (gone.needs_effect) {
      ++settled_;
    } else if (gone.settle) {
      Release(std::move(gone), table);
    } else {
      Unpaired(std::move(gone), table);
    }
  }
  while (!causes_.empty()) {
    const Cause& c = causes_.front();
    if (Within(c.event.record, now, c.window, c.window_us, false)) break;
    causes_.pop_front();
  }
}

void FindingLinks::Settle(const Event& event, FindingTable* table) {
  auto by = settled_by_.find(event.rule->id);
  if (by == settled_by_.end()) return;
  for (auto it = held_.begin(); it != held_.end();) {
    bool resolved = false;
    if (it->settle) {
      for (const SettleSpec& spec : it->event.rule->settles) {
        if (spec.by == event.rule->id &&
            Within(it->event.record, event.record, spec.lines, spec.max_us, false) &&
            SameFields(spec.fields, it->event.fields, event.fields)) {
          resolved = true;
          break;
        }
      }
    }
    if (!resolved) {
      ++it;
      continue;
    }
    Held h = std::move(*it);
    held_bytes_ -= HeldBytes(h.event, h.effects);
    it = held_.erase(it);
    ++settled_;
    std::vector<Event> effects = std::move(h.effects);
    h.effects.clear();
    if (h.event.rule->threshold) Count(std::move(h), table, true);
    // Resolved, it explains nothing: what it held are events like any other.
    Orphan(std::move(effects), table);
  }
}

void FindingLinks::Count(Held held, FindingTable* table, bool settled) {
  const Rule& rule = *held.event.rule;
  const ThresholdSpec& th = *rule.threshold;
  const Record& r = held.event.record;
  auto key = std::make_pair(std::string_view(rule.id), FindingKey(rule, held.event.fields));
  auto found = tallies_.find(key);
  if (found == tallies_.end()) {
    if (tallies_.size() >= kMaxHeldFirsts) {
      // Past the bound a tally's waiting events are findings: better a repeat than a loss.
      for (Held& w : tallies_.begin()->second.waiting) {
        tally_bytes_ -= w.event.record.text.size();
        ToTable(w.event, nullptr, w.arrival, table);
      }
      tallies_.erase(tallies_.begin());
    }
    found = tallies_.emplace(key, Tally{r.input, r.boot, {}, {}}).first;
  }
  Tally& t = found->second;
  if (t.input != r.input || t.boot != r.boot) {
    for (const Held& w : t.waiting) tally_bytes_ -= w.event.record.text.size();
    settled_ += t.waiting.size();
    t = Tally{r.input, r.boot, {}, {}};
  }
  auto old = [&](const Record& e) { return !Within(e, r, th.lines, th.max_us, true); };
  while (!t.waiting.empty() && old(t.waiting.front().event.record)) {
    tally_bytes_ -= t.waiting.front().event.record.text.size();
    t.waiting.pop_front();
    ++settled_;  // below the threshold: no finding
  }
  if (!settled) {
    // Counted once, when it arrives (a settled event was counted then).
    while (!t.recent.empty() && old(t.recent.front())) t.recent.pop_front();
    Record seen = r;
    seen.text.clear();
    t.recent.push_back(std::move(seen));
    if (t.recent.size() > th.count) t.recent.pop_front();
  }
  if (t.recent.size() >= th.count && !settled) {
    for (Held& w : t.waiting) {
      tally_bytes_ -= w.event.record.text.size();
      ToTable(w.event, nullptr, w.arrival, table);
    }
    t.waiting.clear();
    ToTable(held.event, nullptr, held.arrival, table);
    return;
  }
  if (settled || rule.settles.empty()) {
    tally_bytes_ += r.text.size();
    t.waiting.push_back(std::move(held));
    if (t.waiting.size() >= th.count || tally_bytes_ > kMaxHeldBytes) {
      Held w = std::move(t.waiting.front());
      t.waiting.pop_front();
      tally_bytes_ -= w.event.record.text.size();
      ToTable(w.event, nullptr, w.arrival, table);
    }
    return;
  }
  Hold(std::move(held));
}

void FindingLinks::Hold(Held held) {
  held.settle = true;
  held.window = 0;
  held.window_us = 0;
  for (const SettleSpec& spec : held.event.rule->settles) {
    held.window = std::max(held.window, spec.lines);
    held.window_us =
        spec.max_us < 0 || held.window_us < 0 ? -1 : std::max(held.window_us, spec.max_us);
  }
  held_bytes_ += held.event.record.text.size();
  held_.push_back(std::move(held));
}

void FindingLinks::Admit(const Event& event, uint64_t arrival, FindingTable* table) {
  if (event.rule->threshold) return Count(Held{event, arrival, 0}, table, false);
  if (!event.rule->settles.empty()) return Hold(Held{event, arrival, 0});
  if (!event.rule->finding_alone) {
    Held h{event, arrival, 0};
    h.needs_effect = true;
    for (const ExplainSpec& spec : event.rule->explains) {
      h.window = std::max(h.window, spec.lines);
      h.window_us = spec.max_us < 0 || h.window_us < 0 ? -1 : std::max(h.window_us, spec.max_us);
    }
    held_bytes_ += h.event.record.text.size();
    held_.push_back(std::move(h));
    return;
  }
  ToTable(event, nullptr, arrival, table);
}

void FindingLinks::Add(const Event& event, FindingTable* table) {
  uint64_t arrival = arrivals_++;
  if (held_.empty() && by_first_.empty() && !gated_) return table->Add(event, nullptr, arrival);
  Expire(event.record, table);
  NotePart(event);
  Settle(event, table);

  auto second = by_second_.find(event.rule->id);
  if (second != by_second_.end()) {
    for (const Link& link : second->second) {
      for (auto it = held_.begin(); it != held_.end(); ++it) {
        if (!Pairs(link, it->event, event)) continue;
        // The finding is the owner's; it is ordered where the pair starts.
        const Event& owner = link.owner == event.rule ? event : it->event;
        ToTable(owner, owner.rule == event.rule ? &it->event : &event, it->arrival, table);
        // What the first explained while it waited for this event are the pair's consequences.
        for (const Event& effect : it->effects) {
          if (table->Explain(owner, effect)) {
            ++explained_;
          } else {
            Admit(effect, arrivals_++, table);
          }
        }
        held_bytes_ -= HeldBytes(it->event, it->effects);
        held_.erase(it);
        return;
      }
    }
  }

  // The second of a pair is the pair's before it is any cause's consequence.
  if (Explain(event, arrival, table)) return;
  auto first = by_first_.find(event.rule->id);
  if (first == by_first_.end()) return Admit(event, arrival, table);
  uint64_t window = 0;
  for (const Link& link : first->second) window = std::max(window, link.spec->lines);
  held_.push_back(Held{event, arrival, window});
  held_bytes_ += event.record.text.size();
}

void FindingLinks::Flush(FindingTable* table) {
  // Nothing can complete or resolve them now: the firsts of pairs go through their rule's
  // tables (which may hold them again, as unresolved), unresolved events are findings.
  while (!held_.empty()) {
    Held h = std::move(held_.front());
    held_.pop_front();
    held_bytes_ -= HeldBytes(h.event, h.effects);
    if (h.needs_effect) {
      ++settled_;
    } else if (h.settle) {
      Release(std::move(h), table);
    } else {
      Unpaired(std::move(h), table);
    }
  }
  held_bytes_ = 0;
  causes_.clear();  // they point at rules that may change
  // Events still below their threshold are no findings.
  for (const auto& [key, t] : tallies_) settled_ += t.waiting.size();
  tallies_.clear();
  tally_bytes_ = 0;
}

}  // namespace kdiag
