#include "analyzer/correlate/device_story.h"

#include <algorithm>
#include <string_view>

namespace kdiag {
namespace {

// The first line of `text`, cut to at most `max` bytes at a UTF-8 boundary, "…" when cut.
std::string FirstLineBounded(std::string_view text, size_t max) {
  text = text.substr(0, text.find('\n'));
  if (text.size() <= max) return std::string(text);
  constexpr std::string_view kMark = "\xe2\x80\xa6";  // U+2026
  size_t end = max - kMark.size();
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return std::string(text.substr(0, end)) + std::string(kMark);
}

Bdf CardKey(Bdf b) {
  b.function = 0;
  return b;
}

}  // namespace

std::vector<Bdf> DeviceStory::Functions() const {
  std::vector<Bdf> out;
  for (const StoryEntry& e : entries) out.push_back(e.bdf);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void DeviceStories::Add(const Event& event) {
  if (event.rule->fact) return;
  const std::string& id = event.rule->id;
  std::optional<Bdf> bdf = DeviceOf(event.fields);
  if (!bdf) return;
  size_t arrival = arrivals_++;
  auto it = stories_.find(CardKey(*bdf));
  if (it == stories_.end()) {
    if (stories_.size() >= kMaxStories) {
      ++dropped_;
      return;
    }
    it = stories_.emplace(CardKey(*bdf), DeviceStory{}).first;
    it->second.card = *bdf;
    it->second.order = arrival;
  }
  DeviceStory& story = it->second;
  const Record& r = event.record;
  // Past the bound every event is counted only: the last entry's run ended at the first one left
  // out.
  if (!story.entries.empty() && story.omitted == 0) {
    StoryEntry& last = story.entries.back();
    if (last.rule == id && last.bdf == *bdf && last.input == r.input && last.boot == r.boot) {
      ++last.count;
      last.last_line = r.line;
      return;
    }
  }
  if (story.entries.size() >= kMaxEntries) {
    ++story.omitted;
    return;
  }
  StoryEntry e;
  e.rule = id;
  e.severity = event.rule->severity;
  e.bdf = *bdf;
  e.input = r.input;
  e.boot = r.boot;
  e.line = r.line;
  e.last_line = r.line;
  e.time_us = r.time_us;
  e.message = FirstLineBounded(r.text, kStoredMessage);
  story.entries.push_back(std::move(e));
}

DeviceStories DeviceStories::Without(const std::set<std::string>& inputs) const {
  DeviceStories out = *this;
  if (inputs.empty()) return out;
  for (auto it = out.stories_.begin(); it != out.stories_.end();) {
    std::vector<StoryEntry>& entries = it->second.entries;
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const StoryEntry& e) { return inputs.count(e.input) > 0; }),
                  entries.end());
    it = entries.empty() ? out.stories_.erase(it) : std::next(it);
  }
  return out;
}

std::vector<const DeviceStory*> DeviceStories::Told() const {
  std::vector<const DeviceStory*> out;
  for (const auto& [card, story] : stories_) {
    std::set<std::string_view> rules;
    bool problem = false;
    for (const StoryEntry& e : story.entries) {
      rules.insert(e.rule);
      problem = problem || e.severity > Severity::kInfo;
    }
    if (rules.size() >= 2 && problem) out.push_back(&story);
  }
  std::sort(out.begin(), out.end(),
            [](const DeviceStory* a, const DeviceStory* b) { return a->order < b->order; });
  return out;
}

}  // namespace kdiag
