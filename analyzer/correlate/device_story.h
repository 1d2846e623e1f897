// DeviceStories: each PCI device's events from every input, joined into one history.
//
// When passthrough fails, one device shows up in several logs given together: dom0's kernel
// (pciback seizing it, "enabling device", MSI and reset errors, read-only config writes), the
// hypervisor's ('xl dmesg': "assign ... failed", IOMMU faults) and the toolstack's (libxl, xend,
// libvirt: "not assignable", "xc_assign_device failed", "is not assigned to pciback driver").
// Each spells the address its own way; Bdf::ParseSpelled turns every spelling into one. The
// functions of one card (one segment:bus:device) share a story: what happens to one function
// happens to the card (a reset, an assignment of one function without the other).
//
// Which events belong to a device: those of any rule whose fields name a PCI address
// (finding_device.h DeviceOf says which fields, in which order).
// A second address in a line (libvirt's "Active X devices on bus with Y", xend's "X must be
// co-assigned with Y") stays in that event's fields; the event joins the story of its bdf. Facts
// are not history: the enumeration lines say what a device is (they feed PciInventory and
// PciTopology), "enabling device" and pciback's verbose requests trace what a guest does with it
// (hundreds of lines; quirk discovery reads them). A guest's lines name its virtual slots, not the
// host's devices, and are left out (the pipeline adds only the host's events, and Without() drops
// inputs found to be a guest's later).
//
// The inputs given together are taken to be one machine's; times of different inputs are shown,
// not compared (each input has its own clock), so a history is in input order, then line order.
// A run of events of one rule on one function, with nothing else of the card between, is one
// entry with a count and its last line.
//
// A story is told (Told()) when a card has events of at least two rules and at least one of them
// is a problem (a rule above info severity): one event, or one problem repeated, is already one
// finding in the report; a device with only routine lines (seized by pciback, enabled) has
// nothing to tell.
//
// Bounded: at most kMaxStories cards (later cards are counted in dropped()), kMaxEntries entries
// per card (later ones are counted in the story's omitted), and each message kStoredMessage bytes.
#ifndef KDIAG_CORRELATE_DEVICE_STORY_H_
#define KDIAG_CORRELATE_DEVICE_STORY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyzer/correlate/bdf.h"
#include "analyzer/correlate/event.h"
#include "analyzer/correlate/finding_device.h"

namespace kdiag {

struct StoryEntry {
  std::string rule;  // the rule's id
  Severity severity = Severity::kInfo;
  Bdf bdf;  // the function the event names
  std::string input;
  int boot = 0;
  uint64_t line = 0;
  uint64_t last_line = 0;  // of the last event of the run
  uint64_t count = 1;
  std::optional<int64_t> time_us;  // the first event's kernel or hypervisor time
  std::string message;             // the first event's first line, bounded
};

struct DeviceStory {
  Bdf card;  // the first function seen; compare cards with Bdf::SameCard
  std::vector<StoryEntry> entries;
  uint64_t omitted = 0;  // events past kMaxEntries
  size_t order = 0;      // arrival of the card's first event

  // The distinct functions its entries name, sorted.
  std::vector<Bdf> Functions() const;
};

class DeviceStories {
 public:
  static constexpr size_t kMaxStories = 1024;
  static constexpr size_t kMaxEntries = 32;
  static constexpr size_t kStoredMessage = 240;

  // Adds an event of the host's, in input order (facts are ignored).
  void Add(const Event& event);
  // The same without the events of `inputs` (found to be a guest's).
  DeviceStories Without(const std::set<std::string>& inputs) const;
  // The stories worth telling (see above), in order of the cards' first events.
  std::vector<const DeviceStory*> Told() const;
  uint64_t dropped() const { return dropped_; }

 private:
  // Keyed by segment, bus and device (function 0).
  std::map<Bdf, DeviceStory> stories_;
  size_t arrivals_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_DEVICE_STORY_H_
