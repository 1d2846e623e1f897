#include "analyzer/correlate/crash_report.h"

#include <re2/re2.h>

#include <algorithm>
#include <mutex>

#include "analyzer/correlate/generic_frames.h"
#include "analyzer/correlate/stack_frames.h"
#include "analyzer/correlate/stall_frames.h"

namespace kdiag {
namespace {

RE2::Options Quiet() {
  RE2::Options opt;
  opt.set_log_errors(false);
  return opt;
}

re2::StringPiece Piece(std::string_view s) {
  return re2::StringPiece(s.data(), s.size());
}

// Does `title` name a {field} (other than {frame}) that has no value in `fields`?
bool MissesAField(std::string_view title, const Fields& fields) {
  for (size_t open = title.find('{'); open != std::string_view::npos;
       open = title.find('{', open + 1)) {
    size_t close = title.find('}', open);
    if (close == std::string_view::npos) break;
    std::string name(title.substr(open + 1, close - open - 1));
    if (name != "frame" && FieldValue(fields, name).empty()) return true;
  }
  return false;
}

}  // namespace

struct CrashAnalyzer::Compiled {
  struct Capture {
    std::unique_ptr<RE2> re;
    std::vector<std::string> names;  // by group index
  };
  std::vector<Capture> capture;
  std::unique_ptr<RE2> skip;
  std::unique_ptr<RE2> start;
  std::unique_ptr<RE2> end;
  std::vector<std::unique_ptr<RE2>> line_sources;  // by frames index; null unless "line:"
};

// A crash rule and its patterns, compiled on the first report of the rule (CompiledFor), once,
// whichever thread asks first.
struct CrashAnalyzer::Lazy {
  const CrashSpec* spec = nullptr;
  std::once_flag once;
  std::unique_ptr<Compiled> compiled;
};

CrashAnalyzer::CrashAnalyzer(const std::vector<Rule>& rules) {
  for (const Rule& rule : rules) {
    if (!rule.crash) continue;
    auto lazy = std::make_unique<Lazy>();
    lazy->spec = &*rule.crash;
    compiled_[&rule] = std::move(lazy);
  }
}

const CrashAnalyzer::Compiled* CrashAnalyzer::CompiledFor(const Rule& rule) const {
  auto it = compiled_.find(&rule);
  if (it == compiled_.end()) return nullptr;
  Lazy* lazy = it->second.get();
  std::call_once(lazy->once, [lazy] {
    const CrashSpec& spec = *lazy->spec;
    auto c = std::make_unique<Compiled>();
    for (const std::string& p : spec.capture) {
      Compiled::Capture cap;
      cap.re = std::make_unique<RE2>(p, Quiet());
      cap.names.resize(cap.re->NumberOfCapturingGroups() + 1);
      for (const auto& [index, name] : cap.re->CapturingGroupNames()) cap.names[index] = name;
      c->capture.push_back(std::move(cap));
    }
    if (!spec.skip.empty()) c->skip = std::make_unique<RE2>(spec.skip, Quiet());
    if (!spec.start.empty()) c->start = std::make_unique<RE2>(spec.start, Quiet());
    if (!spec.end.empty()) c->end = std::make_unique<RE2>(spec.end, Quiet());
    for (const std::string& src : spec.frames) {
      std::unique_ptr<RE2> re;
      if (src.compare(0, 5, "line:") == 0) re = std::make_unique<RE2>(src.substr(5), Quiet());
      if (src.compare(0, 6, "after:") == 0) re = std::make_unique<RE2>(src.substr(6), Quiet());
      if (src.compare(0, 7, "anchor:") == 0) re = std::make_unique<RE2>(src.substr(7), Quiet());
      c->line_sources.push_back(std::move(re));
    }
    lazy->compiled = std::move(c);
  });
  return lazy->compiled.get();
}

size_t CrashAnalyzer::compiled_rules() const {
  size_t n = 0;
  for (const auto& entry : compiled_) {
    if (entry.second->compiled) ++n;
  }
  return n;
}

CrashAnalyzer::~CrashAnalyzer() = default;
CrashAnalyzer::CrashAnalyzer(CrashAnalyzer&&) noexcept = default;
CrashAnalyzer& CrashAnalyzer::operator=(CrashAnalyzer&&) noexcept = default;

bool CrashAnalyzer::Ends(const Rule& rule, std::string_view line) const {
  if (compiled_.find(&rule) == compiled_.end() || rule.crash->end.empty()) return false;
  const Compiled* c = CompiledFor(rule);
  return RE2::PartialMatch(Piece(line), *c->end);
}

void CrashAnalyzer::Analyze(const std::vector<std::string_view>& lines, Event* event,
                            size_t header) const {
  const Rule& rule = *event->rule;
  if (!rule.crash) return;
  const Compiled* compiled = CompiledFor(rule);
  if (!compiled) return;
  const Compiled& c = *compiled;
  const CrashSpec& spec = *rule.crash;

  // Capture patterns: the first line each matches gives its fields (header fields win).
  std::vector<re2::StringPiece> groups;
  for (const Compiled::Capture& cap : c.capture) {
    for (size_t i = header + 1; i < lines.size(); ++i) {
      groups.assign(cap.names.size(), re2::StringPiece());
      re2::StringPiece text = Piece(lines[i]);
      if (!cap.re->Match(text, 0, text.size(), RE2::UNANCHORED, groups.data(),
                         static_cast<int>(groups.size()))) {
        continue;
      }
      for (size_t g = 1; g < groups.size(); ++g) {
        if (cap.names[g].empty() || groups[g].empty()) continue;
        if (!FieldValue(event->fields, cap.names[g]).empty()) continue;
        event->fields.emplace_back(cap.names[g], std::string(groups[g].data(), groups[g].size()));
      }
      break;
    }
  }

  // The report's frames: the faulting location and the reliable call trace frames, in order
  // (interrupt frames included: the timer interrupt that noticed a stall consists of generic
  // frames, and a softirq's work above it can be what loops).
  // A rule's `start` marks where its stack begins (syzkaller's stack-start parts: the lines
  // before are the reporting code's); without a matching line the whole report is read. A
  // fault-injection frame ends the frames and corrupts the report (generic_frames.h).
  size_t first = 1;
  if (c.start) {
    for (size_t i = 1; i < lines.size(); ++i) {
      if (RE2::PartialMatch(Piece(lines[i]), *c.start)) {
        first = i;
        break;
      }
    }
  }
  std::string location;
  std::vector<std::string> frames;
  std::string name, caller;
  std::string below;  // the caller an arm backtrace line named, until the next frame line
  bool fault_injection = false;
  for (size_t i = first; i < lines.size(); ++i) {
    FrameKind kind = ParseFrameLine(lines[i], &name, &caller);
    if (kind == FrameKind::kFrame && IsFaultInjectionFrame(name)) {
      fault_injection = true;
      break;
    }
    switch (kind) {
      case FrameKind::kLocation:
        if (location.empty()) location = NormalizeFunction(name);
        break;
      case FrameKind::kFrame: {
        std::string f = NormalizeFunction(name);
        // The caller the line before named is this frame, unless the chain is broken.
        if (!below.empty() && below != f) frames.push_back(below);
        frames.push_back(std::move(f));
        below = caller.empty() ? std::string() : NormalizeFunction(caller);
        break;
      }
      default:
        break;
    }
  }
  if (!below.empty()) frames.push_back(std::move(below));
  auto skipped = [&](const std::string& f) {
    return f.empty() || IsGenericFrame(f) || (c.skip && RE2::PartialMatch(f, *c.skip));
  };
  auto guilty = [&](const std::string& f) { return !skipped(f) && !IsOopsPrintingFrame(f); };
  std::string frame;
  for (size_t s = 0; s < spec.frames.size() && frame.empty(); ++s) {
    const std::string& src = spec.frames[s];
    if (src == "rip") {
      if (guilty(location)) frame = location;
    } else if (src == "stall") {
      // The faulting location is the top of the stalled stack.
      std::vector<std::string> stack;
      // (An oops-printing frame that is an anchor, do_page_fault, stays: it ends the loop.)
      auto kept = [&](const std::string& f) {
        return guilty(f) || (!skipped(f) && IsStallAnchor(f));
      };
      if (kept(location)) stack.push_back(location);
      for (const std::string& f : frames) {
        if (kept(f)) stack.push_back(f);
      }
      frame = StallFrame(stack);
    } else if (src.compare(0, 7, "anchor:") == 0) {
      // The first frame the pattern matches that is not generic (the rule's skip does not apply:
      // the anchor names what the report is about).
      for (const std::string& f : frames) {
        if (!IsGenericFrame(f) && !IsOopsPrintingFrame(f) &&
            RE2::PartialMatch(f, *c.line_sources[s])) {
          frame = f;
          break;
        }
      }
    } else if (src.compare(0, 6, "after:") == 0) {
      // The first guilty frame line after the first line that matches.
      const RE2* re = c.line_sources[s].get();
      bool seen = false;
      for (size_t i = 1; i < lines.size() && frame.empty(); ++i) {
        if (!seen) {
          seen = RE2::PartialMatch(Piece(lines[i]), *re);
          continue;
        }
        if (ParseFrameLine(lines[i], &name) == FrameKind::kFrame) {
          std::string f = NormalizeFunction(name);
          if (guilty(f)) frame = f;
        }
      }
    } else if (src == "stack") {
      for (const std::string& f : frames) {
        if (guilty(f)) {
          frame = f;
          break;
        }
      }
    } else if (src.compare(0, 6, "field:") == 0) {
      std::string f = NormalizeFunction(FieldValue(event->fields, src.substr(6)));
      if (guilty(f)) frame = f;
    } else if (src.compare(0, 5, "line:") == 0) {
      // The (?P<frame>) of the first matching line whose function is guilty.
      const RE2& re = *c.line_sources[s];
      for (size_t i = 0; i < lines.size() && frame.empty(); ++i) {
        re2::StringPiece got;
        if (RE2::PartialMatch(Piece(lines[i]), re, &got)) {
          std::string f = NormalizeFunction(std::string_view(got.data(), got.size()));
          if (guilty(f)) frame = f;
        }
      }
    }
  }

  // The title names the frame without its syscall entry prefix, as syzkaller does.
  if (!frame.empty() && frame != "smp_call_function") frame = std::string(StripFramePrefix(frame));
  CrashReport report;
  report.type = spec.type;
  bool names_frame = spec.title.find("{frame}") != std::string::npos;
  report.corrupted = names_frame && (frame.empty() || fault_injection);
  report.frame = frame;
  Fields with_frame = event->fields;
  with_frame.emplace_back("frame", frame.empty() ? "corrupted" : frame);
  // A field the title names that the report never gave: the rule's incomplete title (syzkaller's
  // format that matched the header but not the report, pkg/report/report.go extractDescription).
  const std::string* title = &spec.title;
  if (!spec.incomplete.empty() && MissesAField(spec.title, event->fields)) {
    title = &spec.incomplete;
    report.corrupted = true;
  }
  report.title = NormalizeTitle(ExpandTemplate(*title, with_frame));
  // The faulting location is the top of the stack (the trace starts at its caller).
  if (!location.empty() && (frames.empty() || frames.front() != location)) {
    frames.insert(frames.begin(), location);
  }
  // The oops path in old kernels' traces (generic_frames.h) is not the operator's story either.
  frames.erase(std::remove_if(frames.begin(), frames.end(),
                              [](const std::string& f) { return IsOopsPrintingFrame(f); }),
               frames.end());
  if (frames.size() > kMaxCrashFrames) frames.resize(kMaxCrashFrames);
  report.frames = std::move(frames);
  event->crash = std::move(report);
}

std::string NormalizeTitle(std::string_view title) {
  static const RE2 hex("\\b(?:0x[0-9a-fA-F]+|[0-9a-f]{8,})\\b");
  static const RE2 num("\\b[0-9]+\\b");
  static const RE2 space("\\s+");
  std::string t(title);
  RE2::GlobalReplace(&t, hex, "ADDR");
  RE2::GlobalReplace(&t, num, "NUM");
  RE2::GlobalReplace(&t, space, " ");
  size_t b = t.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return t.substr(b, t.find_last_not_of(' ') - b + 1);
}

}  // namespace kdiag
