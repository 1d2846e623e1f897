#include "analyzer/correlate/card_functions.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "analyzer/correlate/device_story.h"
#include "analyzer/correlate/finding_device.h"

namespace kdiag {
namespace {

// The finding's key fields (FindingKey's choice) with every spelling of an address of `card`
// read as the card, and libxl's separate func field left out: equal for two functions of one
// card with the same problem.
std::string CardProblemKey(const Finding& f, const Bdf& card) {
  std::vector<std::string_view> names;
  if (f.rule->key.empty()) {
    for (const auto& [name, value] : f.fields) names.push_back(name);
  } else {
    for (const std::string& name : f.rule->key) names.push_back(name);
  }
  std::string key;
  for (std::string_view name : names) {
    if (name == "func") continue;
    std::string_view value = FieldValue(f.fields, name);
    auto bdf = Bdf::ParseSpelled(value);
    key.append(name).append("=");
    if (bdf && bdf->SameCard(card)) {
      key.append("@card");
    } else {
      key.append(value);
    }
    key.push_back('\x1f');
  }
  return key;
}

}  // namespace

size_t FoldCardFunctions(std::vector<Finding*>* findings, const PciTopology& topology) {
  using Key = std::tuple<std::string, int, std::string, Bdf, std::string>;
  std::map<Key, Finding*> first;
  std::vector<Finding*> kept;
  kept.reserve(findings->size());
  size_t folded = 0;
  for (Finding* f : *findings) {
    std::optional<Bdf> bdf = f->crash ? std::nullopt : DeviceOf(f->fields);
    if (!bdf) {
      kept.push_back(f);
      continue;
    }
    f->behind_bridge = topology.HidingBridgeOf(*bdf);
    Bdf card = *bdf;
    card.function = 0;
    Key key{f->input, f->boot, f->rule->id, card, CardProblemKey(*f, card)};
    auto [it, inserted] = first.try_emplace(std::move(key), f);
    Finding* into = it->second;
    if (inserted) {
      into->functions = {*bdf};
      kept.push_back(f);
      continue;
    }
    if (std::find(into->functions.begin(), into->functions.end(), *bdf) == into->functions.end()) {
      into->functions.push_back(*bdf);
      std::sort(into->functions.begin(), into->functions.end());
    }
    into->count += f->count;
    if (f->first_us && (!into->first_us || *f->first_us < *into->first_us)) {
      into->first_us = f->first_us;
    }
    if (f->last_us && (!into->last_us || *f->last_us > *into->last_us)) into->last_us = f->last_us;
    into->last_line = std::max(into->last_line, f->last_line);
    if (f->provenance == Provenance::kGuest) into->provenance = Provenance::kGuest;
    ++folded;
  }
  // A finding alone on its card lists no functions.
  for (Finding* f : kept) {
    if (f->functions.size() < 2) f->functions.clear();
  }
  *findings = std::move(kept);
  return folded;
}

}  // namespace kdiag
