// In-process runs for framer and pipeline tests: text through one framer, or through the whole
// pipeline with the shipped rules, without spawning the binary.
#ifndef KDIAG_TESTS_PIPELINE_RUN_H_
#define KDIAG_TESTS_PIPELINE_RUN_H_

#include <string>
#include <string_view>
#include <vector>

#include "analyzer/correlate/event.h"
#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/correlate/summary.h"
#include "analyzer/input/framers/framer.h"
#include "analyzer/input/location.h"

namespace kdiag::testing {

// Splits text on '\n' (numbering lines from 1, as the line reader does), feeds the framer, and
// calls Finish().
std::vector<Record> FrameText(Framer* framer, std::string_view text);

struct PipelineRun {
  std::vector<Record> records;
  std::vector<Event> events;
  Summary summary;
  std::vector<PciDevice> devices;  // the PCI inventory (RunShippedRulesOnPath)
  uint64_t passed_over = 0;        // Pipeline::passed_over()
};

// How a run is made. By default every record is collected, which frames every line.
struct RunOptions {
  bool records = true;    // collect every record (no line is passed over)
  bool pass_over = true;  // Pipeline::SetPassOver
  int threads = 1;        // Pipeline::SetThreads
};

// The text as one input through the whole pipeline with the embedded rules.
PipelineRun RunShippedRules(std::string_view text, const std::string& name,
                            const std::string& format = "auto", const RunOptions& options = {});

// A file or directory as ReadPath reads it (or, with `journal`, as --journal reads it) through
// the whole pipeline with the embedded rules; read errors land in *errors.
PipelineRun RunShippedRulesOnPath(const std::string& path, bool journal, std::vector<Error>* errors,
                                  const RunOptions& options = {});

}  // namespace kdiag::testing

#endif  // KDIAG_TESTS_PIPELINE_RUN_H_
