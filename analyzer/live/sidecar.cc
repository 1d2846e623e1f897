#include "analyzer/live/sidecar.h"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "analyzer/config/suppression.h"
#include "analyzer/input/sources/follow_source.h"
#include "analyzer/input/sources/stream_source.h"
#include "analyzer/live/checkpoint.h"
#include "analyzer/live/service_notify.h"
#include "analyzer/output/atomic_file.h"
#include "analyzer/output/line_output.h"
#include "analyzer/output/metrics.h"
#include "analyzer/output/ndjson.h"
#include "analyzer/pipeline.h"

namespace kdiag {
namespace {

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Every record (with --records) and event becomes a line written at once.
class LiveObserver : public PipelineObserver {
 public:
  LiveObserver(LineOutput* out, bool records, const Selection& selection,
               const Suppressor* suppressor, const Complain& complain)
      : out_(out),
        records_(records),
        selection_(selection),
        suppressor_(suppressor),
        complain_(complain) {}
  // Unparsed records (EventCounts) come from journal framers, which never pass over records.
  bool WantsEveryRecord() const override { return records_; }
  void OnRecord(const Record& r) override {
    counts_.AddRecord(r);
    if (!records_) return;
    line_.clear();
    AppendRecordJson(r, &line_);
    Emit();
  }
  void OnEvent(const Event& e) override {
    // The config file's [[suppress]]: not written, not counted (the operator silenced it).
    if (suppressor_->Suppresses(e.rule->id, e.record.text, e.fields)) {
      ++suppressed_;
      return;
    }
    counts_.Add(e, UnixNow());
    // --min-severity, --rule, --skip-rule: left out of the output, still counted in the metrics.
    if (!selection_.Reports(*e.rule)) return;
    line_.clear();
    AppendEventJson(e, &line_);
    Emit();
  }
  const EventCounts& counts() const { return counts_; }
  void DeclareRules(const std::vector<Rule>& rules) { counts_.DeclareRules(rules); }
  uint64_t suppressed() const { return suppressed_; }

 private:
  // Never into a deleted file: that line would be lost with it.
  void Emit() {
    std::string notice;
    out_->ReopenIfDeleted(&notice);
    if (!notice.empty()) complain_(notice);
    out_->Write(line_);
  }

  LineOutput* out_;
  bool records_;
  const Selection& selection_;
  const Suppressor* suppressor_;
  uint64_t suppressed_ = 0;
  const Complain& complain_;
  std::string line_;
  EventCounts counts_;
};

// omprog's confirmation: "OK\n" on stdout (rsyslog plugins/omprog, confirmMessages).
void Confirm() {
  static const char kOk[] = "OK\n";
  size_t done = 0;
  while (done < 3) {
    ssize_t n = write(1, kOk + done, 3 - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // rsyslog went away; the input's end follows
    done += static_cast<size_t>(n);
  }
}

}  // namespace

int RunSidecar(const SidecarOptions& opt, std::unique_ptr<Matcher> matcher,
               const MatcherLoader& reload, const Complain& complain) {
  LineOutput out(opt.output_file);
  std::string notice;
  if (auto err = out.Open(&notice)) return complain(err->ToString()), 2;
  if (!notice.empty()) complain(notice);

  Checkpoint saved;
  if (!opt.state_file.empty()) {
    if (auto err = LoadCheckpoint(opt.state_file, &saved)) {
      // Replaying is better than not running: start as if there were no state. Events come
      // again (at least once), none is lost, and the operator is told which file and line.
      complain(err->ToString() + " (ignored: starting without the saved position)");
      saved = Checkpoint();
    }
  }

  // The rules of the moment: a reload frees the ones before it (Pipeline::SetMatcher), so memory
  // stays bounded however often the sidecar is told to reload.
  std::vector<std::string> expired;
  Suppressor suppressor(opt.suppressions, Today(), &expired);
  for (const std::string& n : expired) complain(n);
  LiveObserver observer(&out, opt.records, opt.selection, &suppressor, complain);
  observer.DeclareRules(matcher->rules());
  Pipeline pipeline(matcher.get(), &observer, opt.format);

  // What the checkpoint knows of the input; filled by the input below.
  std::function<void(Checkpoint*)> position = [](Checkpoint*) {};
  // Whether the last attempt to save the state failed: the run then ends with status 2.
  bool state_unsaved = false;
  auto save_state = [&] {
    // After a failed write (a full disk) the input position is past events that were not
    // written: the state keeps the last position whose events all were, and the restart writes
    // them again. (A closed pipe is the reader's end, not a loss: the position is saved.)
    if (out.error()) return;
    out.Sync();            // the events before the position that says they were written
    Checkpoint c = saved;  // keeps what this run does not know about (a journal cursor)
    position(&c);
    auto err = SaveCheckpoint(opt.state_file, c);
    if (err) complain(err->ToString());
    state_unsaved = err.has_value();
  };
  auto save_metrics = [&] {
    std::string text = RenderMetrics(pipeline.summary(), observer.counts());
    if (auto err = WriteFileAtomically(opt.metrics_file, text)) complain(err->ToString());
  };
  auto hangup = [&] {
    std::string cut;
    if (auto err = out.Reopen(&cut)) complain(err->ToString() + " (still writing to the old file)");
    if (!cut.empty()) complain(cut);
    std::unique_ptr<Matcher> fresh;
    if (auto err = reload(&fresh)) {
      complain(err->ToString() + " (rules not reloaded: keeping the old rules)");
      return;
    }
    pipeline.SetMatcher(fresh.get());
    observer.DeclareRules(fresh->rules());
    matcher = std::move(fresh);
  };

  SignalPipe signals;
  LiveLoop::Hooks hooks;
  hooks.flush = [&] { pipeline.FlushHeld(); };
  if (!opt.state_file.empty()) hooks.checkpoint = save_state;
  if (!opt.metrics_file.empty()) hooks.metrics = save_metrics;
  hooks.hangup = hangup;
  hooks.should_stop = [&] { return out.closed(); };
  LiveLoop loop(&signals, hooks, opt.times);

  // Everything that can refuse to start has been done (output open, rules compiled, state
  // loaded, and for /dev/kmsg the device open); what is left is reading, whose errors come as
  // records of the input.
  auto ready = [&] {
    NotifyReady(opt.kmsg     ? "following " + opt.kmsg_device
                : opt.omprog ? std::string("reading rsyslog's omprog messages on stdin")
                : opt.path.empty() || opt.path == "-" ? std::string("following stdin")
                                                      : "following " + opt.path);
  };
  if (!opt.kmsg) ready();

  std::vector<Error> errors;
  std::string boot;              // /dev/kmsg: this boot
  std::optional<uint64_t> last;  // and the last record handed to the pipeline
  if (opt.kmsg) {
    boot = CurrentBootId();
    KmsgReadOptions k;
    // Another boot's sequence numbers mean nothing here: its records are all new.
    if (auto seq = ResumableKmsgSeq(saved, boot)) k.after_seq = *seq;
    last = k.after_seq;
    k.from_end = opt.from_end && !k.after_seq;
    k.control = &loop;
    k.opened = ready;
    k.record_done = [&](uint64_t seq) {
      // A read of the device is one whole record: nothing can follow it, so the framer need
      // not hold it until the next one comes.
      pipeline.FlushHeld(false);
      last = seq;
    };
    k.gap = [&](uint64_t lost) {
      complain(opt.kmsg_device + ": " + std::to_string(lost) +
               " records overwritten before they could be read (kmsg_lost in the summary)");
    };
    position = [&](Checkpoint* c) {
      if (!last) return;
      c->kmsg_boot_id = boot;
      c->kmsg_seq = last;
    };
    pipeline.ReadKmsg(opt.kmsg_device, &errors, k);
  } else if (opt.omprog || opt.path.empty() || opt.path == "-") {
    std::function<void()> after_message;
    if (opt.omprog) {
      after_message = [&] {
        loop.FlushNow();
        // Unconfirmed, the message stays rsyslog's: it is sent again to the restarted kdiag.
        if (!out.closed()) Confirm();
      };
      Confirm();  // ready
    }
    StreamSource source(0, &loop, after_message);
    pipeline.Follow(&source, "-", &errors);
  } else {
    FollowSource source(opt.path, opt.from_end ? FollowStart::kEnd : FollowStart::kBeginning,
                        saved.FileAt(opt.path), &loop);
    position = [&](Checkpoint* c) { c->SetFile(opt.path, source.position()); };
    pipeline.Follow(&source, opt.path, &errors);
    if (!opt.state_file.empty()) save_state();  // while `source` still exists
    position = [](Checkpoint*) {};
  }
  // The input ended (stop signal, end of stdin, closed output): everything is flushed.
  NotifyStopping("input ended: saving the state and writing the summary");
  if (!opt.state_file.empty() && opt.kmsg) save_state();
  if (!opt.metrics_file.empty()) save_metrics();
  for (const Error& e : errors) complain(e.ToString());
  std::string summary;
  Summary counts = pipeline.summary();
  counts.suppressed_events = observer.suppressed();
  AppendSummaryJson(counts, &summary);
  out.Write(summary);
  if (out.error()) {
    complain(out.name() + ": write error: " + std::strerror(out.error()) +
             (opt.state_file.empty() ? "" : " (the state keeps the last position fully written)"));
  }
  if (state_unsaved) complain(opt.state_file + ": the state could not be saved at exit");
  return errors.empty() && !out.error() && !state_unsaved ? 0 : 2;
}

}  // namespace kdiag
