// CrashReport analysis: from a crash report's lines to its title, type and frames.
//
// The EventAssembler collects a report (the header record that matched a [rule.crash] rule and the
// lines of the same task that follow it); this turns those lines into what the report means, as
// the rule declares it: extra fields from `capture` patterns, the guilty frame from the `frames`
// sources in order, and the title from the rule's template, normalised the way syzkaller's titles
// are (addresses become ADDR, numbers NUM, runs of spaces one space).
#ifndef KDIAG_CORRELATE_CRASH_REPORT_H_
#define KDIAG_CORRELATE_CRASH_REPORT_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/correlate/event.h"
#include "analyzer/match/rule.h"

namespace re2 {
class RE2;
}

namespace kdiag {

// Frames kept in an event: the top of the trace is what an operator reads and what identifies a
// bug; the rest stays in the message.
constexpr size_t kMaxCrashFrames = 16;

class CrashAnalyzer {
 public:
  // For the crash parts of `rules` (which must outlive this and be validated). A rule's patterns
  // are compiled on its first report (Analyze, Ends), once and thread-safely: most runs see no
  // report of most crash rules, and compiling them all was a tenth of a warm start.
  explicit CrashAnalyzer(const std::vector<Rule>& rules);
  ~CrashAnalyzer();
  CrashAnalyzer(CrashAnalyzer&&) noexcept;
  CrashAnalyzer& operator=(CrashAnalyzer&&) noexcept;

  // `event` matched a crash rule; `lines` are the report's record texts, header first. Adds the
  // capture fields and sets event->crash. `header` is the index of the line that made the report
  // the rule's (later than 0 when the report was taken over, `yields`): captures read the lines
  // after it, frames read them all.
  void Analyze(const std::vector<std::string_view>& lines, Event* event, size_t header = 0) const;

  // Does `line`, a line of an open report of `rule`, match the rule's `end` pattern?
  bool Ends(const Rule& rule, std::string_view line) const;

  // How many crash rules' patterns have been compiled so far (tests).
  size_t compiled_rules() const;

 private:
  struct Compiled;
  struct Lazy;
  // The rule's compiled patterns, compiling them on the first call; null for a non-crash rule.
  const Compiled* CompiledFor(const Rule& rule) const;
  std::map<const Rule*, std::unique_ptr<Lazy>> compiled_;
};

// Title normalisation: hex addresses and long hex words become ADDR, decimal numbers NUM,
// whitespace runs one space, no leading or trailing space.
std::string NormalizeTitle(std::string_view title);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_CRASH_REPORT_H_
