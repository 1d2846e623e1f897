#include "analyzer/correlate/finding.h"

#include <algorithm>
#include <string_view>

#include "analyzer/match/sha256.h"

namespace kdiag {
namespace {

// `s` cut to at most `max` bytes at a UTF-8 character boundary, marked with "…" when cut.
std::string Bounded(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  constexpr std::string_view kMark = "\xe2\x80\xa6";  // U+2026
  size_t end = max - kMark.size();
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80) --end;
  return std::string(s.substr(0, end)) + std::string(kMark);
}

std::string BoundedKey(std::string key) {
  if (key.size() <= FindingTable::kStoredField) return key;
  return "sha256:" + Sha256::Hex(Sha256::Of(key));
}

// What a finding costs, counted when it is made: its strings, its advice to come (estimated as
// the rule's template plus the fields it may quote) and a fixed share for the map node.
size_t CountedBytes(const Finding& f, const std::string& key) {
  size_t n = sizeof(Finding) + 128 + key.size() + f.summary.size() + f.input.size() +
             f.message.size() + f.host.size() + f.boot_id.size() + f.rule->advice.size() + 1024;
  for (const auto& [name, value] : f.fields) n += name.size() + 2 * value.size() + 64;
  if (f.crash) {
    n += f.crash->title.size() + f.crash->type.size() + f.crash->frame.size();
    for (const std::string& frame : f.crash->frames) n += frame.size() + 32;
  }
  return n;
}

}  // namespace

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

FindingTable::Key FindingTable::KeyOf(const Event& event) {
  const Record& r = event.record;
  return Key{r.input, r.boot, event.rule->id,
             BoundedKey(event.crash ? event.crash->title : FindingKey(*event.rule, event.fields))};
}

bool FindingTable::Explain(const Event& cause, const Event& effect) {
  if (cause.rule->fact) return false;
  auto it = findings_.find(KeyOf(cause));
  if (it == findings_.end()) return false;
  Finding& f = it->second;
  auto part = std::find_if(f.explained.begin(), f.explained.end(),
                           [&](const ExplainedEvents& e) { return e.rule == effect.rule->id; });
  if (part == f.explained.end()) {
    ExplainedEvents e;
    e.rule = effect.rule->id;
    e.line = effect.record.line;
    e.message = Bounded(effect.record.text, kStoredMessage);
    e.summary = Bounded(ExpandTemplate(effect.rule->summary, effect.fields), kStoredMessage);
    bytes_ += e.rule.size() + e.message.size() + e.summary.size() + sizeof(e);
    f.explained.push_back(std::move(e));
    part = f.explained.end() - 1;
  }
  if (ProvenanceOf(effect.record) == Provenance::kGuest) f.provenance = Provenance::kGuest;
  if (!effect.rule->fact && effect.rule->severity > f.severity()) {
    f.consequence_severity = effect.rule->severity;
    f.severity_from = effect.rule->id;
  }
  ++part->count;
  part->last_line = effect.record.line;
  return true;
}

void FindingTable::Add(const Event& event) {
  Add(event, nullptr, arrivals_++);
}

void FindingTable::Add(const Event& event, const Event* merged, uint64_t arrival) {
  if (event.rule->fact) return;
  const Record& r = event.record;
  // Crash reports are the same finding when they have the same title (syzkaller's notion of the
  // same bug); addresses and tasks in their fields differ from one report to the next.
  Key key = KeyOf(event);
  auto it = findings_.find(key);
  if (it == findings_.end()) {
    if (findings_.size() >= max_ || bytes_ >= max_bytes_) {
      ++dropped_;
      return;
    }
    Finding f;
    f.rule = event.rule;
    f.boot = r.boot;
    for (const auto& [name, value] : event.fields) {
      f.fields.emplace_back(name, Bounded(value, kStoredField));
    }
    f.summary = Bounded(ExpandTemplate(event.rule->summary, f.fields), kStoredMessage);
    f.first_us = r.time_us;
    f.input = r.input;
    f.line = r.line;
    f.message = Bounded(r.text, kStoredMessage);
    f.host = Bounded(r.host, kStoredField);
    f.boot_id = Bounded(r.boot_id, kStoredField);
    f.provenance = ProvenanceOf(r);
    if (event.crash) {
      CrashReport& c = f.crash.emplace();
      c.title = Bounded(event.crash->title, kStoredField);
      c.type = event.crash->type;
      c.frame = Bounded(event.crash->frame, kStoredFrame);
      c.corrupted = event.crash->corrupted;
      for (const std::string& frame : event.crash->frames) {
        c.frames.push_back(Bounded(frame, kStoredFrame));
      }
    }
    f.order = arrival;
    bytes_ += CountedBytes(f, std::get<3>(key));
    it = findings_.emplace(std::move(key), std::move(f)).first;
  }
  Finding& f = it->second;
  if (ProvenanceOf(r) == Provenance::kGuest) f.provenance = Provenance::kGuest;
  ++f.count;
  if (r.time_us) f.last_us = r.time_us;
  if (r.timestamp_us) {
    if (!f.first_timestamp_us) {
      f.first_timestamp_us = r.timestamp_us;
      f.timestamp_source = r.timestamp_source;
    }
    f.last_timestamp_us = r.timestamp_us;
  }
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
    m.message = Bounded(merged.record.text, kStoredMessage);
    f->merged.push_back(std::move(m));
    part = f->merged.end() - 1;
    // The finding's fields are its own event's, completed by the first merged event's.
    for (const auto& [name, value] : merged.fields) {
      if (FieldValue(f->fields, name).empty())
        f->fields.emplace_back(name, Bounded(value, kStoredField));
    }
  }
  if (ProvenanceOf(merged.record) == Provenance::kGuest) f->provenance = Provenance::kGuest;
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

size_t FindingTable::CountAt(Severity s) const {
  size_t n = 0;
  for (const auto& [key, f] : findings_) n += f.severity() == s;
  return n;
}

std::vector<Finding*> FindingTable::Sorted() {
  std::vector<Finding*> out;
  out.reserve(findings_.size());
  for (auto& [key, f] : findings_) out.push_back(&f);
  std::sort(out.begin(), out.end(), [](const Finding* a, const Finding* b) {
    if (a->input != b->input) return a->order < b->order;
    if (a->boot != b->boot) return a->boot < b->boot;
    if (a->severity() != b->severity()) return a->severity() > b->severity();
    return a->order < b->order;
  });
  return out;
}

}  // namespace kdiag
