// The pipeline: input -> match -> correlate, one record at a time.
//
//   bytes --LineReader--> lines --Framer--> records --BootSegmenter--> records with boots
//         --EventAssembler(Matcher)--> events --FindingLinks--> FindingTable; events -->
//         PciInventory, PciTopology, PlatformFacts, ConfigWrites, DeviceStories
//
// The line reader scans blocks of input for the rules' required literals
// (match/candidate_scanner.h). A line without any, which its framer can account for cheaply (a
// plain kernel console line, framer.h PlainKernelLine) while no event waits for continuation lines
// or crash-report lines, is passed over: it is counted and its time goes to the boot numbering, but
// it never becomes a Record and is never matched. Its record would have matched no rule and changed
// nothing else, so the output is the same as framing it; most lines of a log take this path.
//
// Records and events are handed to an observer as they appear (so NDJSON streams and a pipe
// reader sees events at once); findings are complete only after Finish(). Memory stays bounded
// whatever the input size: lines are capped, the finding table is capped, the config-space writes
// of pciback's verbose requests are capped (ConfigWrites::kMaxFields), nothing else grows with
// the input except the PCI inventory (bounded by the 65536 x 256 possible BDFs of a log); the
// device stories and the bridges are capped (DeviceStories::kMaxStories, PciTopology::kMaxBridges).
// Remedies and output come after; the CLI wires them.
#ifndef KDIAG_PIPELINE_H_
#define KDIAG_PIPELINE_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "analyzer/config/selection.h"
#include "analyzer/correlate/config_writes.h"
#include "analyzer/correlate/device_story.h"
#include "analyzer/correlate/event_assembler.h"
#include "analyzer/correlate/finding.h"
#include "analyzer/correlate/finding_links.h"
#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/correlate/pci_topology.h"
#include "analyzer/correlate/platform_facts.h"
#include "analyzer/correlate/summary.h"
#include "analyzer/input/location.h"
#include "analyzer/input/sources/byte_source.h"
#include "analyzer/input/sources/kmsg_device.h"
#include "analyzer/match/matcher.h"

namespace kdiag {

// One boot of the run, as --list-boots shows it and --boot counts them (config/selection.h): the
// boots of each input in order, inputs in the order they were read.
struct BootSpan {
  std::string input;
  int boot = 0;                     // within the input (Record::boot)
  std::string boot_id;              // the first boot id its records named, or empty
  std::optional<int64_t> first_us;  // wall time of its first and last placed records
  std::optional<int64_t> last_us;
  uint64_t records = 0;
};

class PipelineObserver {
 public:
  virtual ~PipelineObserver() = default;
  // Records no rule can match are passed over without being framed (see above) only when the
  // observer does not need every record: one that watches events alone says so.
  virtual bool WantsEveryRecord() const { return true; }
  virtual void OnRecord(const Record& /*record*/) {}
  virtual void OnEvent(const Event& /*event*/) {}
};

// Input formats a user can force with --format; "auto" detects.
bool IsKnownFormat(const std::string& name);

class Pipeline {
 public:
  // `observer` may be null.
  Pipeline(Matcher* matcher, PipelineObserver* observer, std::string format = "auto");

  // A file, a directory (the logs below it, recursively, in name order; in a sosreport or
  // xen-bugtool bundle only the kernel and Xen logs, and its lspci output goes into the
  // inventory: input/sources/bundle.h) or "-" (stdin).
  // An unreadable path adds an error naming it; the caller goes on with the other inputs.
  void ReadPath(const std::string& path, std::vector<Error>* errors);
  // The same for a path whose logs a guest wrote (--source guest): every record of it is the
  // guest's (input/provenance.h), and nothing in it becomes a fix for the host. ReadPath judges
  // each file by its name and content too.
  void ReadGuestPath(const std::string& path, std::vector<Error>* errors);
  // An open descriptor (not closed here).
  void ReadFd(int fd, const std::string& name, std::vector<Error>* errors);
  // A binary journal file or a directory of them (--journal), through libsystemd; ReadPath
  // reads journal files it finds this way too.
  void ReadJournal(const std::string& path, std::vector<Error>* errors);
  // The kernel ring buffer device (/dev/kmsg) up to its current end, framed as kmsg records; with
  // options.control, followed until the control says stop.
  void ReadKmsg(const std::string& device, std::vector<Error>* errors,
                const KmsgReadOptions& options = {});
  // A live source (FollowSource, StreamSource): the format is detected on the first bytes it has
  // rather than on a 64 KiB head, and bytes are counted as they arrive. Not decompressed; not
  // owned (the caller reads its position afterwards).
  void Follow(ByteSource* source, const std::string& name, std::vector<Error>* errors);
  // While a live input is read: push the records the framer holds back and the event the
  // assembler holds open through to the observer, so nothing handed in so far is still held.
  // `events` false: only the framer's records (an event held open for continuation lines stays
  // open), for inputs that deliver whole records, like /dev/kmsg.
  void FlushHeld(bool events = true);
  // Later records are matched with `matcher`, and a live input's next blocks are scanned for its
  // rules' literals; the findings move to its rules (FindingTable::Rebind). The old matcher may be
  // freed once this returns. Call it from the live input's own thread (its source's Read, as the
  // live loop does); a batch input being read is framed and matched in full from then on.
  void SetMatcher(Matcher* matcher);
  // Threads that read and scan a batch input's blocks ahead (block_reader.h); 1 (the default)
  // does everything in the caller's thread. The output is the same for every value.
  void SetThreads(int threads) { threads_ = threads; }
  // Whether lines no rule can match are passed over (the default) or framed like every other
  // line. The output is the same either way; tests compare the two.
  void SetPassOver(bool on) { pass_over_ = on; }
  // Only records inside `selection`'s --since/--until window (not null: kept by the caller) and,
  // when `boot` is above 0, of the run's boot number `boot` (1 the first) are matched; the others
  // are counted and go to boots(), nothing else.
  void SetWindow(const Selection* selection, int boot) {
    window_ = selection;
    boot_ = boot;
  }
  // The run's boots so far (at most kMaxBootSpans; later ones are not listed).
  static constexpr size_t kMaxBootSpans = 1 << 16;
  const std::vector<BootSpan>& boots() const { return boot_spans_; }
  // Text already in memory (tests, rule examples).
  void ReadText(std::string_view text, const std::string& name);

  // Call after the last input: findings in report order.
  std::vector<Finding*> Findings();
  PciInventory& inventory() { return inventory_; }
  // What the logs said about the platform (Xen and kernel versions, toolstack messages).
  const PlatformFacts& platform() const { return platform_; }
  // The config-space writes pciback's verbose requests logged (correlate/config_writes.h), from
  // the host's own inputs only: an input found to be a guest's log, even late, is left out.
  ConfigWrites config_writes() const { return config_writes_.Without(guest_inputs_); }
  // Each PCI device's events from the host's own inputs (correlate/device_story.h), and the
  // bridges the log showed (correlate/pci_topology.h).
  DeviceStories device_stories() const { return stories_.Without(guest_inputs_); }
  const PciTopology& topology() const { return topology_; }
  const Summary& summary();
  // Files of the directories read that were not read because they are not logs (bundle.h), each
  // with the reason, in walk order.
  const std::vector<Error>& skipped() const { return skipped_; }
  // Lines passed over so far (counted in summary().records too), for tests and benchmarks.
  uint64_t passed_over() const { return passed_over_; }

 private:
  // Every input goes through here: decode, detect the format, split lines, frame.
  // `mtime`: when the input was last written (0: now), for stamps without a year. `live`: a
  // source that blocks for more (detect the format on the first bytes, count bytes as they come).
  void ReadSource(std::unique_ptr<ByteSource> raw, const std::string& name,
                  std::vector<Error>* errors, int64_t mtime = 0, bool live = false);
  // A directory or support bundle: the logs below it (input/sources/bundle.h), and a bundle's
  // lspci.
  void ReadDirectory(const std::string& path, std::vector<Error>* errors);
  class InputState;
  // Names the input being read and whether it is a guest's log (`guest`, or inside
  // ReadGuestPath); a guest's input is remembered for Findings().
  void NameInput(InputState* state, const std::string& name, bool guest);
  // A framed record: its identity and boot, then its wall time (WallClock; an input read to its
  // end holds a boot's records until its first anchor: input/early_records.h), then Process.
  void OnRecord(Record&& record);
  // A record in wall time: boot spans, the --boot/--since/--until window, matching.
  void Process(Record&& record);
  void OnEvent(Event&& event);
  void EndInput();

  Matcher* matcher_;
  PipelineObserver* observer_;
  std::string format_;
  int threads_ = 1;
  bool pass_over_ = true;
  EventAssembler assembler_;
  EventSink event_sink_;
  FindingLinks links_;
  FindingTable findings_;
  PciInventory inventory_;
  PlatformFacts platform_;
  ConfigWrites config_writes_;
  DeviceStories stories_;
  PciTopology topology_;
  Summary summary_;
  std::vector<Error> skipped_;
  uint64_t passed_over_ = 0;
  const Selection* window_ = nullptr;
  int boot_ = 0;
  std::vector<BootSpan> boot_spans_;
  // The run's boot index (0-based) of the input's boot `boot`, its span created when new; -1
  // past kMaxBootSpans.
  int RunBoot(int boot);
  uint64_t generation_ = 0;             // SetMatcher calls so far
  bool reading_guest_ = false;          // inside ReadGuestPath
  std::set<std::string> guest_inputs_;  // inputs known to be a guest's log (input/provenance.h)
  InputState* input_ = nullptr;         // the input being read
};

}  // namespace kdiag

#endif  // KDIAG_PIPELINE_H_
