// kdiag's command line: parses flags and wires the stages. No analysis happens here.
//
// Contract (design.md): kdiag [OPTIONS] [PATH|-]...; --output text|ndjson|html; --emit
// xend-quirks|sysfs-quirks|xl (--merge FILE), extended by xend-permissive; --lspci FILE;
// --rules DIR; --fail-on SEVERITY;
// exit 0, 1 (a finding at or above --fail-on), 2 (bad usage, unreadable input, invalid rules).
// Live use (--follow, --kmsg --follow, --omprog) hands over to RunSidecar (live/sidecar.h). The
// flags fill one Options (config/options.h), which also checks their combinations.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

#include <CLI/CLI.hpp>

#include "analyzer/config/config_file.h"
#include "analyzer/config/options.h"
#include "analyzer/config/reported.h"
#include "analyzer/config/rule_overrides.h"
#include "analyzer/config/selection.h"
#include "analyzer/config/suppression.h"
#include "analyzer/correlate/pci_ids.h"
#include "analyzer/input/framers/format.h"
#include "analyzer/input/sources/file_text.h"
#include "analyzer/live/batch_state.h"
#include "analyzer/live/sidecar.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/match/rule_set_cache.h"
#include "analyzer/output/atomic_file.h"
#include "analyzer/output/boot_list.h"
#include "analyzer/output/device_report.h"
#include "analyzer/output/html_report.h"
#include "analyzer/output/ndjson.h"
#include "analyzer/output/out_stream.h"
#include "analyzer/output/terminal_safe.h"
#include "analyzer/output/text_report.h"
#include "analyzer/pipeline.h"
#include "analyzer/remedy/advice.h"
#include "analyzer/rule_check.h"

namespace kdiag {
namespace {

constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;

int64_t UnixMicrosNow() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

void PrintError(const std::string& message) {
  std::cerr << "kdiag: " << TerminalSafeLine(message) << "\n";
}

// Embedded rules (unless --no-embedded-rules) plus every --rules DIR, a later one replacing a rule
// whose id it reuses (with a notice on stderr), then the config file's rule settings. The embedded
// rules' patterns are compiled only by `rules check` (PatternChecks); --rules files always are.
// Trusted embedded rules come from the compiled-rules cache when it holds them (no TOML parsed).
std::optional<Error> LoadRules(const Options& opt, std::vector<Rule>* rules,
                               PatternChecks embedded = PatternChecks::kTrusted) {
  // A cached rule set passed CheckUniqueIds whole before it was stored: unless a --rules layer
  // changes it, its capture names need no RE2 compiles (rule_set_cache.h).
  CaptureChecks captures = CaptureChecks::kCompile;
  if (!opt.no_embedded) {
    // Trusted, they come from the compiled-rules cache when it has them (rule_set_cache.h).
    if (auto err = embedded == PatternChecks::kTrusted
                       ? LoadEmbeddedRulesCached(DatabaseCache::FromEnvironment(), rules, nullptr,
                                                 &captures)
                       : LoadEmbeddedRules(rules, embedded)) {
      return err;
    }
  }
  if (!opt.rule_dirs.empty()) captures = CaptureChecks::kCompile;
  std::vector<std::string> notices;
  for (const std::string& dir : opt.rule_dirs) {
    std::vector<Rule> layer;
    if (auto err = LoadRuleDir(dir, &layer)) return err;
    if (auto err = OverlayRules(std::move(layer), rules, &notices)) return err;
  }
  for (const std::string& n : notices) PrintError(n);
  if (auto err = CheckUniqueIds(*rules, captures)) return err;
  return ApplyRuleOverrides(opt.rule_overrides, rules);
}

std::unique_ptr<Matcher> BuildMatcher(std::vector<Rule> rules) {
  std::unique_ptr<Matcher> m;
  if (auto err = Matcher::Build(std::move(rules), &m)) {
    PrintError(err->ToString());
    return nullptr;
  }
  return m;
}

int RulesList(const Options& opt) {
  std::vector<Rule> rules;
  if (auto err = LoadRules(opt, &rules)) return PrintError(err->ToString()), kExitUsage;
  for (const Rule& r : rules) {
    std::cout << r.id << '\t' << SeverityName(r.severity) << '\t'
              << (r.source ? SourceName(*r.source) : "any") << '\t' << r.where.ToString() << '\t'
              << r.summary << '\n';
  }
  return 0;
}

// Every pattern variant, one per line, for `rg -f` (see RipgrepPattern).
int RulesPatterns(const Options& opt) {
  std::vector<Rule> rules;
  if (auto err = LoadRules(opt, &rules)) return PrintError(err->ToString()), kExitUsage;
  for (const Rule& r : rules) {
    for (const std::string& p : r.patterns) std::cout << RipgrepPattern(p) << '\n';
  }
  return 0;
}

int RulesCheck(const Options& opt) {
  std::vector<Rule> rules;
  if (opt.check_dirs.empty()) {
    if (auto err = LoadRules(opt, &rules, PatternChecks::kCompile)) {
      return PrintError(err->ToString()), kExitUsage;
    }
  }
  for (const std::string& dir : opt.check_dirs) {
    if (auto err = LoadRuleDir(dir, &rules)) return PrintError(err->ToString()), kExitUsage;
  }
  if (auto err = CheckUniqueIds(rules)) return PrintError(err->ToString()), kExitUsage;
  std::unique_ptr<Matcher> m = BuildMatcher(std::move(rules));
  if (!m) return kExitUsage;
  RuleCheckResult result = CheckRuleExamples(m.get());
  for (Error& e : CheckSeverityReasons(m->rules())) result.failures.push_back(std::move(e));
  for (const Error& e : result.failures) PrintError(e.ToString());
  std::cout << result.rules << " rules, " << result.examples << " examples: "
            << (result.failures.empty() ? "all passed"
                                        : std::to_string(result.failures.size()) + " failed")
            << "\n";
  return result.failures.empty() ? 0 : kExitUsage;
}

// Streams records and events as NDJSON while the pipeline runs; suppressed events are counted
// instead.
class NdjsonObserver : public PipelineObserver {
 public:
  NdjsonObserver(OutStream* out, bool records, const Selection& selection,
                 const Suppressor* suppressor)
      : out_(out), records_(records), selection_(selection), suppressor_(suppressor) {}
  uint64_t suppressed() const { return suppressed_; }
  bool WantsEveryRecord() const override { return records_; }
  void OnRecord(const Record& r) override {
    if (!records_) return;
    line_.clear();
    AppendRecordJson(r, &line_);
    out_->Write(line_);
  }
  void OnEvent(const Event& e) override {
    if (suppressor_->Suppresses(e.rule->id, e.record.text, e.fields)) {
      ++suppressed_;
      return;
    }
    if (!selection_.Reports(*e.rule)) return;
    line_.clear();
    AppendEventJson(e, &line_);
    out_->Write(line_);
  }

 private:
  OutStream* out_;
  bool records_;
  const Selection& selection_;
  const Suppressor* suppressor_;
  uint64_t suppressed_ = 0;
  std::string line_;
};

// --color: `always` colours even through a pipe (for `less -R`); `auto` only a terminal, and not
// when NO_COLOR is set (no-color.org: a command-line flag overrides it) or TERM is dumb.
bool UseColor(const std::string& when, int fd) {
  if (when != "auto") return when == "always";
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (no_color && *no_color) return false;
  if (term && std::string(term) == "dumb") return false;
  return isatty(fd);
}

int Threads(const Options& opt) {
  return opt.threads > 0 ? opt.threads : static_cast<int>(std::thread::hardware_concurrency());
}

// Every input of the run into `pipeline`, in the order of the contract; `report` after each.
void ReadInputs(const Options& opt, Pipeline* pipeline, std::vector<Error>* errors,
                const std::function<void()>& report) {
  std::vector<std::string> paths =
      opt.paths.empty() && !opt.kmsg && opt.journals.empty() && opt.guest_paths.empty()
          ? std::vector<std::string>{"-"}
          : opt.paths;
  for (const std::string& path : paths) {
    pipeline->ReadPath(path, errors);
    report();
  }
  for (const std::string& path : opt.guest_paths) {
    pipeline->ReadGuestPath(path, errors);
    report();
  }
  for (const std::string& journal : opt.journals) {
    pipeline->ReadJournal(journal, errors);
    report();
  }
  if (opt.kmsg) {
    pipeline->ReadKmsg("/dev/kmsg", errors);
    report();
  }
}

int Analyze(const Options& opt, const Selection& selection) {
  std::vector<Rule> rules;
  if (auto err = LoadRules(opt, &rules)) return PrintError(err->ToString()), kExitUsage;
  std::unique_ptr<Matcher> matcher = BuildMatcher(std::move(rules));
  if (!matcher) return kExitUsage;

  int out_fd = 1;
  if (!opt.output_file.empty()) {
    out_fd = open(opt.output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd < 0) return PrintError(opt.output_file + ": " + std::strerror(errno)), kExitUsage;
  }
  OutStream out(out_fd);
  bool ndjson = opt.output == "ndjson" && opt.emit.empty() && !opt.list_boots && !opt.quiet;
  std::vector<std::string> expired;
  Suppressor suppressor(opt.suppressions, Today(), &expired);
  for (const std::string& n : expired) PrintError(n);
  NdjsonObserver observer(&out, opt.records, selection, &suppressor);
  Pipeline pipeline(matcher.get(), ndjson ? &observer : nullptr, opt.format);
  pipeline.SetThreads(Threads(opt));

  int status = 0;
  std::vector<Error> errors;
  std::vector<std::string> unread;  // for the report: what it cannot speak for
  auto report = [&] {
    for (const Error& e : errors) {
      PrintError(e.ToString());
      unread.push_back(e.ToString());
    }
    if (!errors.empty()) status = kExitUsage;
    errors.clear();
  };
  int boot = 0;
  if (opt.boot) {
    // journalctl numbering (config/selection.h); from the end, the boots must be counted first.
    boot = *opt.boot;
    if (boot <= 0) {
      Pipeline counter(matcher.get(), nullptr, opt.format);
      counter.SetThreads(Threads(opt));
      std::vector<Error> ignored;  // reported by the real pass
      ReadInputs(opt, &counter, &ignored, [] {});
      boot += static_cast<int>(counter.boots().size());
    }
    if (boot <= 0) {
      PrintError("--boot " + std::to_string(*opt.boot) + ": the input has fewer boots");
      return kExitUsage;
    }
  }
  pipeline.SetWindow(&selection, boot);
  std::optional<BatchState> state;
  if (!opt.state_file.empty()) {
    // Batch --state (live/batch_state.h): files and /dev/kmsg, each from where the last run left
    // it.
    state.emplace(opt.state_file);
    if (auto err = state->Load()) return PrintError(err->ToString()), kExitUsage;
    if (opt.kmsg) state->ReadKmsg(&pipeline, "/dev/kmsg", &errors);
    for (const std::string& path : opt.paths) state->ReadFile(&pipeline, path, &errors);
    report();
  } else {
    ReadInputs(opt, &pipeline, &errors, report);
  }
  std::vector<std::string> skipped;
  for (const Error& e : pipeline.skipped()) {
    PrintError(e.ToString());
    skipped.push_back(e.ToString());
  }

  // Inventory sources beyond the log, then names.
  PciInventory& inventory = pipeline.inventory();
  for (const std::string& f : opt.lspci) {
    std::string text;
    if (ReadFileText(f, &text)) {
      PrintError(f + ": cannot read lspci output");
      unread.push_back(f + ": cannot read lspci output");
      status = kExitUsage;
    } else if (auto err = ReadLspci(text, f, &inventory)) {
      PrintError(err->ToString());
      unread.push_back(err->ToString());
      status = kExitUsage;
    }
  }
  if (!opt.sysfs.empty()) {
    if (auto err = ReadSysfs(opt.sysfs, &inventory)) {
      PrintError(err->ToString());
      status = kExitUsage;
    }
  }
  std::optional<std::string> ids_path =
      opt.pci_ids.empty() ? PciIds::DefaultPath() : std::optional<std::string>(opt.pci_ids);
  if (opt.pci_ids == "none") ids_path.reset();
  if (ids_path) {
    PciIds ids;
    if (auto err = ids.Load(*ids_path)) {
      if (!opt.pci_ids.empty()) PrintError(err->ToString()), status = kExitUsage;
    } else {
      ids.NameAll(&inventory);
    }
  }

  std::vector<Finding*> all_findings = pipeline.Findings();
  if (opt.list_boots) {
    out.Write(opt.output == "ndjson" ? FormatBootListNdjson(pipeline.boots(), all_findings)
                                     : FormatBootList(pipeline.boots(), all_findings));
    out.Flush();
    if (out_fd != 1) close(out_fd);
    return status;
  }
  // --min-severity, --rule, --skip-rule leave findings out of every output, not out of --fail-on.
  std::vector<Finding*> findings;
  for (Finding* f : all_findings) {
    if (selection.Reports(*f->rule, f->severity())) findings.push_back(f);
  }
  const ToolstackEra era = EraOf(pipeline.platform());
  const QuirkDiscovery discovery = DiscoverQuirks(pipeline.config_writes(), inventory);
  Advise(inventory, era, findings, &discovery);
  Summary summary = pipeline.summary();
  // What is shown and how it is counted (config/reported.h); remedies above were derived from
  // every finding (a suppressed warning is still evidence).
  const Reported shown =
      SelectReported(all_findings, suppressor, selection, pipeline.topology(), &summary);
  const std::vector<Finding*>& reported = shown.findings;
  const std::set<const Finding*>& silenced = shown.silenced;
  summary.suppressed_events = observer.suppressed();
  const DeviceStories stories = pipeline.device_stories();
  const std::vector<const DeviceStory*> told = stories.Told();

  if (!opt.emit.empty()) {
    std::vector<Error> rejected;
    std::vector<QuirkNeed> needs = CollectQuirkNeeds(inventory, findings, &rejected);
    AddDiscoveredNeeds(discovery, &needs);
    for (const Error& e : rejected) PrintError(e.ToString());
    if (opt.emit == "xend-quirks" && !opt.merge.empty()) {
      std::string existing;
      MergeResult merged;
      if (ReadFileText(opt.merge, &existing)) {
        PrintError(opt.merge + ": cannot read");
        return kExitUsage;
      }
      if (auto err = MergeXendQuirks(existing, opt.merge, needs, &merged)) {
        PrintError(err->ToString());
        return kExitUsage;
      }
      out.Write(merged.text);
    } else if (opt.emit == "xend-quirks") {
      out.Write(RenderXendQuirks(needs, era));
    } else if (opt.emit == "sysfs-quirks") {
      out.Write(RenderSysfsQuirks(needs, era));
    } else if (opt.emit == "xend-permissive") {
      out.Write(RenderXendPermissive(needs, era));
    } else {
      out.Write(RenderXlPermissive(needs, era));
    }
  } else if (ndjson) {
    std::string text;  // a finding at a time: the whole table's JSON never sits in memory
    for (const Finding* f : reported) {
      text.clear();
      AppendFindingJson(*f, &text);
      out.Write(text);
    }
    for (const DeviceStory* story : told) {
      text.clear();
      AppendDeviceJson(*story, inventory, pipeline.topology(), &text);
      out.Write(text);
    }
    text.clear();
    AppendSummaryJson(summary, &text);
    out.Write(text);
  } else if (opt.output == "html") {
    WriteHtmlReport(reported, summary, [&out](std::string_view s) { out.Write(s); });
  } else if (!opt.quiet) {
    TextReportOptions text;
    text.color = UseColor(opt.color, out_fd);
    text.width = ReportColumns(out_fd, std::getenv("COLUMNS"));
    text.unread = std::move(unread);
    text.skipped = std::move(skipped);
    text.devices = DeviceStoriesText(told, inventory, pipeline.topology());
    WriteTextReport(reported, summary, text, [&out](std::string_view s) { out.Write(s); });
  }
  if (!opt.html_file.empty()) {
    std::string page;
    WriteHtmlReport(reported, summary, [&page](std::string_view s) { page.append(s); });
    if (auto err = WriteFileAtomically(opt.html_file, page)) {
      PrintError(err->ToString());
      status = kExitUsage;
    }
  }
  out.Flush();
  if (out.error()) {
    PrintError(std::string("write error: ") + std::strerror(out.error()));
    status = kExitUsage;
  }
  if (out_fd != 1) close(out_fd);
  // The position moves on only once what was read is reported (and when the input was read).
  if (state && status == 0) {
    if (auto err = state->Save()) PrintError(err->ToString()), status = kExitUsage;
  }

  if (status == 0 && !opt.fail_on.empty()) {
    Severity threshold;
    ParseSeverity(opt.fail_on, &threshold);
    for (const Finding* f : all_findings) {
      if (silenced.count(f)) continue;
      if (f->severity() >= threshold) return kExitFindings;
    }
  }
  return status;
}

int Sidecar(const Options& opt, const Selection& selection) {
  MatcherLoader load = [&opt](std::unique_ptr<Matcher>* out) -> std::optional<Error> {
    std::vector<Rule> rules;
    if (auto err = LoadRules(opt, &rules)) return err;
    return Matcher::Build(std::move(rules), out);
  };
  std::unique_ptr<Matcher> matcher;
  if (auto err = load(&matcher)) return PrintError(err->ToString()), kExitUsage;
  SidecarOptions s;
  s.path = opt.paths.empty() ? "-" : opt.paths[0];
  s.kmsg = opt.kmsg;
  s.omprog = opt.omprog;
  s.from_end = opt.from_end;
  s.records = opt.records;
  s.format = opt.format;
  s.output_file = opt.output_file;
  s.state_file = opt.state_file;
  s.metrics_file = opt.metrics_file;
  s.selection = selection;
  s.suppressions = opt.suppressions;
  return RunSidecar(s, std::move(matcher), load, PrintError);
}

// What --fail-on and --min-severity accept: the rules' severities, least severe first.
const std::vector<std::string> kSeverityNames = {"info", "notice", "warning", "error", "critical"};

int Main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  Options opt;
  CLI::App app{"kdiag: find and explain problems in Linux kernel and Xen hypervisor logs"};
  // Short options follow dmesg(1), journalctl(1) and rg(1): -o (journalctl --output), -f
  // (journalctl and tail --follow), -k (dmesg and journalctl: the kernel's messages), -q (rg and
  // journalctl --quiet), -j (rg --threads), -V (dmesg and rg --version).
  app.set_version_flag("-V,--version", std::string("kdiag ") + KDIAG_VERSION);
  app.add_option("paths", opt.paths,
                 "Log files or directories to read; '-': stdin; none: stdin, or the running "
                 "kernel's log (/dev/kmsg) when stdin is a terminal");
  app.add_option("-o,--output", opt.output, "Output format")
      ->check(CLI::IsMember({"text", "ndjson", "html"}));
  app.add_option("--html", opt.html_file,
                 "Also write the HTML report (one self-contained page) to FILE");
  app.add_option("--color", opt.color,
                 "Colour the report: auto (a terminal, unless NO_COLOR is set), always (also "
                 "through a pipe, for less -R) or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("-q,--quiet", opt.quiet,
               "Write no report: only the exit status (see --fail-on) and errors on stderr");
  app.add_option("--output-file", opt.output_file, "Write the output to FILE instead of stdout");
  app.add_option("--emit", opt.emit, "Print only this remediation artifact")
      ->check(CLI::IsMember({"xend-quirks", "sysfs-quirks", "xl", "xend-permissive"}));
  app.add_option("--merge", opt.merge,
                 "With --emit xend-quirks: print FILE (an xend-pci-quirks.sxp) with the new fields "
                 "merged in");
  app.add_option("--lspci", opt.lspci,
                 "lspci -n, -nn, -vmm -n or -nnvv output naming PCI devices (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--sysfs", opt.sysfs, "A sysfs root (e.g. /sys) to read PCI device IDs from");
  app.add_option("--pci-ids", opt.pci_ids,
                 "The pci.ids database (default: the system's copy; 'none': no names)");
  app.add_option("--rules", opt.rule_dirs, "Add the *.toml rule files of DIR (repeatable)")
      ->allow_extra_args(false);
  app.add_flag("--no-embedded-rules", opt.no_embedded, "Use only the rules of --rules DIR");
  app.add_option("--fail-on", opt.fail_on, "Exit 1 when a finding at or above SEVERITY exists")
      ->check(CLI::IsMember(kSeverityNames));
  app.add_option("-j,--threads", opt.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  app.add_option("--format", opt.format, "Input format (default: detect)")
      ->check([](const std::string& f) {
        return IsKnownFormat(f) ? std::string()
                                : "unknown format '" + f + "' (" + FormatNames() + ")";
      });
  app.add_flag("--records", opt.records, "With --output ndjson: also emit every record");
  app.add_option("--journal", opt.journals,
                 "Read a binary journal file, or every journal file below a directory (repeatable)")
      ->allow_extra_args(false);
  std::vector<std::pair<std::string, std::string>> sources;
  app.add_option("--source", sources,
                 "--source guest PATH: read PATH as logs a guest wrote (its events are reported, "
                 "no fix for the host is made from them; repeatable)")
      ->allow_extra_args(false);
  app.add_flag("-k,--kmsg", opt.kmsg,
               "Read the kernel ring buffer from /dev/kmsg to its current end (with --follow: "
               "keep reading); what a bare kdiag does when stdin is a terminal");
  app.add_flag("-f,--follow", opt.follow,
               "Follow the file (tail -F: rotation, truncation), /dev/kmsg or stdin, writing each "
               "event as NDJSON at once");
  app.add_flag("--from-end", opt.from_end,
               "With --follow and no saved state: start at the end, only new lines");
  app.add_option("--state", opt.state_file,
                 "Checkpoint FILE: with --follow a restart neither replays nor loses a record; "
                 "without, each file and --kmsg is read from where the last run left it");
  app.add_flag("--omprog", opt.omprog,
               "Speak rsyslog's omprog protocol (confirmMessages=\"on\") on stdin/stdout; events "
               "go to --output-file");
  app.add_option("--since", opt.since,
                 "Only records at or after TIME (RFC 3339, 'YYYY-MM-DD[ HH:MM[:SS]]', now, today, "
                 "yesterday, -1h, '2 days ago')");
  app.add_option("--until", opt.until, "Only records at or before TIME (as --since)");
  app.add_option("--boot", opt.boot,
                 "Only boot N of the input (1 the first, 0 the last, -1 the one before; "
                 "--list-boots shows them)")
      ->allow_extra_args(false);
  app.add_flag("--list-boots", opt.list_boots,
               "List the input's boots: index, boot id, first and last time, records, findings "
               "(with --output ndjson: one object per boot)");
  app.add_option("--min-severity", opt.min_severity,
                 "Leave events and findings below SEVERITY out of the output (not out of "
                 "--fail-on)")
      ->check(CLI::IsMember(kSeverityNames));
  app.add_option("--rule", opt.rule_globs, "Report only rules whose id matches GLOB (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--skip-rule", opt.skip_rule_globs,
                 "Leave rules whose id matches GLOB out of the output (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--metrics", opt.metrics_file,
                 "Write Prometheus text-format metrics to FILE (atomically, every few seconds)");
  app.add_option("--config", opt.config_file,
                 "Read settings, [[suppress]] entries and rule settings from FILE only (default: "
                 "/etc/kdiag/config.toml, then $XDG_CONFIG_HOME/kdiag/config.toml)");
  app.add_flag("--no-config", opt.no_config, "Read no config file");

  CLI::App* rules_cmd = app.add_subcommand("rules", "Inspect and check rules");
  rules_cmd->require_subcommand(1);
  CLI::App* list_cmd = rules_cmd->add_subcommand("list", "List every rule");
  CLI::App* patterns_cmd =
      rules_cmd->add_subcommand("patterns", "Print every rule pattern, one per line (for rg -f)");
  CLI::App* check_cmd =
      rules_cmd->add_subcommand("check", "Validate rule directories and run every example");
  check_cmd->add_option("dirs", opt.check_dirs, "Rule directories (default: the loaded rules)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    PrintError(e.what());
    return kExitUsage;
  }
  for (const auto& [kind, path] : sources) {
    if (kind != "guest") {
      PrintError("--source takes 'guest PATH' (only a guest's logs need saying so), not '" + kind +
                 "'");
      return kExitUsage;
    }
    opt.guest_paths.push_back(path);
  }
  ConfigFile config;
  if (auto err = LoadConfigFiles(opt.config_file, opt.no_config, &config)) {
    PrintError(err->ToString());
    return kExitUsage;
  }
  // A config key is a long flag's name and means that flag; one given on the command line wins.
  auto set_flag = [&app](const std::string& flag,
                         const std::vector<std::string>& values) -> std::string {
    CLI::Option* o = app.get_option_no_throw("--" + flag);
    if (!o) return "no flag --" + flag + " (a key is a long flag's name without \"--\")";
    if (o->count() > 0) return "";
    try {
      o->clear();
      for (const std::string& v : values) o->add_result(v);
      o->run_callback();
    } catch (const CLI::Error& e) {
      return e.what();
    }
    return "";
  };
  if (auto err = ApplyFlagDefaults(config, set_flag)) {
    PrintError(err->ToString());
    return kExitUsage;
  }
  opt.suppressions = std::move(config.suppressions);
  opt.rule_overrides = std::move(config.overrides);
  opt.output_given = app.count("--output") > 0;
  if (std::string usage = CheckOptions(opt); !usage.empty()) {
    PrintError(usage);
    return kExitUsage;
  }
  if (list_cmd->parsed()) return RulesList(opt);
  if (patterns_cmd->parsed()) return RulesPatterns(opt);
  if (check_cmd->parsed()) return RulesCheck(opt);
  Selection selection;
  if (auto err = MakeSelection(opt, UnixMicrosNow(), &selection)) {
    PrintError(*err);
    return kExitUsage;
  }
  if (opt.live()) return Sidecar(opt, selection);
  DefaultInputs(&opt, isatty(0));
  return Analyze(opt, selection);
}

}  // namespace
}  // namespace kdiag

int main(int argc, char** argv) {
  return kdiag::Main(argc, argv);
}
