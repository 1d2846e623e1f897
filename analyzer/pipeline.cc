#include "analyzer/pipeline.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <set>

#include "analyzer/correlate/boot_ends.h"
#include "analyzer/correlate/enumeration.h"
#include "analyzer/input/boot_segmenter.h"
#include "analyzer/input/early_records.h"
#include "analyzer/input/framers/format.h"
#include "analyzer/input/framers/kmsg_framer.h"
#include "analyzer/input/provenance.h"
#include "analyzer/input/sources/bundle.h"
#include "analyzer/input/sources/byte_source.h"
#include "analyzer/input/sources/decompress.h"
#include "analyzer/input/sources/file_text.h"
#include "analyzer/input/sources/journal_file.h"
#include "analyzer/input/sources/kmsg_device.h"
#include "analyzer/input/sources/line_reader.h"
#include "analyzer/input/sources/pstore.h"
#include "analyzer/input/wall_clock.h"

namespace kdiag {
namespace {

// gethostname(2), or empty.
std::string LocalHostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

// The running boot's id, as the journal writes _BOOT_ID: /proc/sys/kernel/random/boot_id
// (Documentation/admin-guide/sysctl/kernel.rst) without its dashes; empty when unreadable.
std::string LocalBootId() {
  std::string text;
  if (ReadFileText("/proc/sys/kernel/random/boot_id", &text)) return "";
  std::string id;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) id.push_back(c);
    if (id.size() > 32) return "";
  }
  return id.size() == 32 ? id : "";
}

// Candidate line numbers kept for records still held by the framer (InputState::candidates).
constexpr size_t kMaxHeldCandidates = 16384;

}  // namespace

bool IsKnownFormat(const std::string& name) {
  return name == "auto" || FindFormat(name);
}

// Per-input state: the framer and the boot numbering start afresh for every input.
class Pipeline::InputState {
 public:
  explicit InputState(std::unique_ptr<Framer> f) : framer(std::move(f)) {}
  std::unique_ptr<Framer> framer;
  std::string name;
  BootSegmenter boots;
  BootEnds boot_ends;
  size_t boot_base = 0;  // the run's boots before this input's (Pipeline::boot_spans_)
  WallClock clock;
  EarlyRecords early;  // records before their boot's first anchor (not for live inputs)
  // The running system's identity, for records of the live /dev/kmsg (their text names neither).
  std::string live_host;
  std::string live_boot_id;
  // While the lines are scanned for the rules' literals: the numbers of the candidate lines not
  // yet behind a record. A record none of whose lines is among them matches no rule.
  bool scanned = false;
  std::deque<uint64_t> candidates;
  // A live input's blocks are scanned for the literals of the rules of the moment: the rules
  // generation (Pipeline::generation_) the block being read was scanned for (none yet: never
  // equal to it), the last line handed on, and the last line read before the latest reload (a
  // record starting there or before was judged by older rules' literals, so it is matched
  // whatever they said).
  bool live = false;
  // A guest's own log (input/provenance.h): by its path, --source guest, or evidence in it.
  bool guest = false;
  uint64_t block_generation = UINT64_MAX;
  uint64_t last_line = 0;
  uint64_t matched_through = 0;

  // Could a rule match `record` (lines record.line to record.line + line_count - 1)?
  bool MayMatch(const Record& record) {
    if (!scanned || record.line <= matched_through) return true;
    while (!candidates.empty() && candidates.front() < record.line) candidates.pop_front();
    return !candidates.empty() && candidates.front() - record.line < record.line_count;
  }
};

Pipeline::Pipeline(Matcher* matcher, PipelineObserver* observer, std::string format)
    : matcher_(matcher),
      observer_(observer),
      format_(std::move(format)),
      assembler_(matcher),
      event_sink_([this](Event&& e) { OnEvent(std::move(e)); }),
      links_(matcher->rules()) {}

void Pipeline::OnRecord(Record&& record) {
  if (record.host.empty()) record.host = input_->live_host;
  if (record.boot_id.empty()) record.boot_id = input_->live_boot_id;
  input_->boots.Assign(&record);
  if (input_->live) {
    input_->clock.Place(&record);
    return Process(std::move(record));
  }
  input_->early.Add(std::move(record), &input_->clock,
                    [this](Record&& r) { Process(std::move(r)); });
}

void Pipeline::Process(Record&& record) {
  int run_boot = RunBoot(record.boot);
  if (run_boot >= 0) {
    BootSpan& span = boot_spans_[static_cast<size_t>(run_boot)];
    ++span.records;
    if (span.boot_id.empty()) span.boot_id = record.boot_id;
    if (record.timestamp_us) {
      if (!span.first_us) span.first_us = record.timestamp_us;
      span.last_us = record.timestamp_us;
    }
  }
  if ((boot_ > 0 && run_boot != boot_ - 1) ||
      (window_ && !window_->InWindow(record.timestamp_us))) {
    ++summary_.records;  // read, but outside --boot, --since, --until
    input_->boot_ends.OnRecord(record, false);
    return;
  }
  summary_.NoteIdentity(record.host, record.boot_id);
  record.guest_input = input_->guest;
  ++summary_.records;
  if (observer_) observer_->OnRecord(record);
  assembler_.Add(record, event_sink_, input_->MayMatch(record));
  // After the record: the assembler has let the previous boot's events go (a boot ends every
  // open event and report), so BootEnds has seen whether that boot logged its end.
  if (std::optional<Record> end = input_->boot_ends.OnRecord(record, true)) {
    assembler_.Add(*end, event_sink_, true);
  }
}

int Pipeline::RunBoot(int boot) {
  size_t index = input_->boot_base + static_cast<size_t>(boot < 0 ? 0 : boot);
  if (index >= kMaxBootSpans) return -1;
  while (boot_spans_.size() <= index) {
    BootSpan span;
    span.input = input_->name;
    span.boot = static_cast<int>(boot_spans_.size() - input_->boot_base);
    boot_spans_.push_back(std::move(span));
  }
  return static_cast<int>(index);
}

void Pipeline::OnEvent(Event&& event) {
  ++summary_.events;
  if (event.rule->guest_evidence && !event.record.guest_input) {
    // Text only a guest's kernel prints: this input and every later record of it are the guest's.
    event.record.guest_input = true;
    guest_inputs_.insert(event.record.input);
    if (input_ && event.record.input == input_->name) input_->guest = true;
  }
  // What a guest says about PCI devices or the platform names its own virtual slots and may be
  // forged: only the host's own lines name the host's devices and its toolstack era.
  if (ProvenanceOf(event.record) != Provenance::kGuest) {
    AddEnumeration(event, &inventory_);
    AddPlatformFact(event, &platform_);
    config_writes_.Add(event);
    topology_.Add(event);
    stories_.Add(event);
  }
  if (input_ && event.record.input == input_->name) input_->boot_ends.OnEvent(event);
  links_.Add(event, &findings_);
  if (observer_) observer_->OnEvent(event);
}

void Pipeline::EndInput() {
  RecordSink sink = [this](Record&& r) { OnRecord(std::move(r)); };
  if (input_->framer) input_->framer->Finish(sink);
  input_->early.Flush([this](Record&& r) { Process(std::move(r)); });
  assembler_.Flush(event_sink_);
  links_.Flush(&findings_);  // pairs never span inputs
  summary_.boots += input_->boots.boots();
  ++summary_.inputs;
}

void Pipeline::FlushHeld(bool events) {
  if (input_) {
    RecordSink sink = [this](Record&& r) { OnRecord(std::move(r)); };
    input_->framer->Finish(sink);
    input_->early.Flush([this](Record&& r) { Process(std::move(r)); });
  }
  if (events) assembler_.Flush(event_sink_);
}

void Pipeline::SetMatcher(Matcher* matcher) {
  assembler_.Flush(event_sink_);
  if (input_ && input_->live) {
    // The next blocks are scanned for the new rules' literals (ReadSource); what was read before
    // is matched in full, a record still held too.
    input_->matched_through = input_->last_line;
  } else if (input_) {
    // A batch input's blocks may be scanned ahead on other threads, for the old rules' literals:
    // from now on every record is matched and every line framed.
    input_->scanned = false;
  }
  ++generation_;
  matcher_ = matcher;
  assembler_ = EventAssembler(matcher);
  links_.Flush(&findings_);  // held events point at the old rules
  links_ = FindingLinks(matcher->rules());
  findings_.Rebind(matcher->rules());
}

// Counts a live source's bytes as they arrive (the summary and metrics are read meanwhile).
class CountingSource : public ByteSource {
 public:
  CountingSource(ByteSource* source, uint64_t* bytes) : source_(source), bytes_(bytes) {}
  long Read(char* buf, size_t n, std::string* error) override {
    long got = source_->Read(buf, n, error);
    if (got > 0) *bytes_ += static_cast<uint64_t>(got);
    return got;
  }

 private:
  ByteSource* source_;
  uint64_t* bytes_;
};

void Pipeline::Follow(ByteSource* source, const std::string& name, std::vector<Error>* errors) {
  ReadSource(std::make_unique<CountingSource>(source, &summary_.bytes), name, errors, 0, true);
}

void Pipeline::ReadFd(int fd, const std::string& name, std::vector<Error>* errors) {
  struct stat st;
  bool file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ReadSource(std::make_unique<FdSource>(fd), name, errors, file ? st.st_mtime : 0);
}

void Pipeline::ReadSource(std::unique_ptr<ByteSource> raw, const std::string& name,
                          std::vector<Error>* errors, int64_t mtime, bool live) {
  auto fail = [&](const Error& e) {
    errors->push_back(e);
    ++summary_.errors;
  };
  std::string head, error;
  // Compressed input is decoded here, so detection and the lines see only decoded bytes.
  std::unique_ptr<ByteSource> source =
      live ? std::move(raw) : OpenDecoded(std::move(raw), nullptr, &error);
  if (!source) return fail(Error{Location{name, 0, 0}, "read: " + error});
  // The head decides the format; it is then replayed in front of the rest. When reading the head
  // fails (a short truncated .gz), what was read is still framed and the error follows it. A live
  // source's head is its first read: waiting for 64 KiB could take days.
  if (!(live ? ReadSome : ReadUpTo)(source.get(), kDetectBytes, &head, &error)) {
    source = std::make_unique<FailedSource>(error);
  }
  const InputFormat& format = format_ == "auto" ? DetectFormat(head, name) : *FindFormat(format_);
  ReplaySource replay(std::move(head), std::move(source));
  InputState state(format.make(name));
  state.boot_base = boot_spans_.size();
  NameInput(&state, name, IsGuestLogPath(name) || format.guest_written);
  state.framer->SetReferenceTime(mtime);
  input_ = &state;
  RecordSink sink = [this](Record&& r) { OnRecord(std::move(r)); };
  LineReader reader(&replay, name);
  const std::vector<std::string>* own = state.framer->PassOverLiterals();
  state.live = live;
  if (pass_over_ && own && !(observer_ && observer_->WantsEveryRecord())) {
    if (live) {
      // One thread, which also runs SetMatcher (from the source's reads): each block is scanned
      // for the literals of the rules of the moment, built again after a reload.
      state.scanned = true;
      reader.ScanWith(
          [this, own, &state] {
            return [this, own, &state, scan = BlockScan()](std::string_view data, size_t skip,
                                                           std::vector<uint32_t>* ends) mutable {
              if (state.block_generation != generation_) {
                const CandidateScanner* scanner = matcher_->Scanner(*own);
                scan = scanner ? scanner->NewBlockScan() : BlockScan();
                state.block_generation = generation_;
              }
              return scan && scan(data, skip, ends);
            };
          },
          CandidateScanner::lookback(), 1);
    } else if (const CandidateScanner* scanner = matcher_->Scanner(*own)) {
      state.scanned = true;
      reader.ScanWith([scanner] { return scanner->NewBlockScan(); }, scanner->lookback(), threads_);
    }
  }
  auto err = reader.ForEach([&](const Line& line) {
    if (line.truncated) ++summary_.truncated_lines;
    int64_t time_us = 0;
    state.last_line = line.number;
    // A live input's line read after a reload from a block scanned for the old rules' literals.
    bool candidate = line.candidate || (live && state.block_generation != generation_);
    if (state.scanned && candidate) {
      // A held record spans at most the framer's record bound (console_framer.cc, 10,000 lines),
      // so older entries are never needed: lines a framer skips cannot pile up.
      if (state.candidates.size() >= kMaxHeldCandidates) state.candidates.pop_front();
      state.candidates.push_back(line.number);
    }
    // Not while records wait for their boot's anchor (input/early_records.h; the framer's held
    // record joins them in PlainKernelLine): the assembler has not seen them, so being idle does
    // not say that no event needs this line. Nor when this line, framed, would be held: what is
    // held decides whether the input is given up on (a boot that ends with records held and no
    // anchor), so it must not depend on which lines were passed over.
    if (!candidate && state.scanned &&
        state.framer->PlainKernelLine(line.text, line.next, sink, &time_us) &&
        state.early.empty() && assembler_.Idle() &&
        (live || !state.early.WouldHold(state.clock, state.boots.BootOfKernelTime(time_us)))) {
      state.boots.AssignKernelTime(time_us);
      int run_boot = RunBoot(state.boots.boots() - 1);
      if (run_boot >= 0) ++boot_spans_[static_cast<size_t>(run_boot)].records;
      ++summary_.records;
      ++passed_over_;
      return;
    }
    // A line that starts with NUL bytes, in a text log: the file was extended but the data never
    // reached the disk (correlate/boot_ends.h), and the writer went on after the hole, at a line's
    // start. The run is counted and the text after it framed. NULs inside a line are left alone
    // (syslog-ng wrote some in place of a host name: syslog-ng issue 360).
    std::string_view text = line.text;
    if (!text.empty() && text[0] == '\0' && state.framer->LinesOfText()) {
      size_t end = text.find_first_not_of('\0');
      if (end == std::string_view::npos) end = text.size();
      state.boot_ends.OnNulRun(end, line.number);
      text.remove_prefix(end);
      if (text.empty()) return;  // the hole goes on in the next line
    }
    state.framer->Line(text, line.number, sink);
  });
  if (!live) summary_.bytes += reader.bytes();
  if (err) fail(*err);
  EndInput();
  input_ = nullptr;
}

void Pipeline::ReadKmsg(const std::string& device, std::vector<Error>* errors,
                        const KmsgReadOptions& options) {
  InputState state(std::make_unique<KmsgFramer>(device));
  state.name = device;
  state.boot_base = boot_spans_.size();
  state.clock.SetLiveKernelClock(true);
  state.live_host = LocalHostName();
  state.live_boot_id = LocalBootId();
  input_ = &state;
  RecordSink sink = [this](Record&& r) { OnRecord(std::move(r)); };
  uint64_t number = 0;
  auto err = ReadKmsgDevice(
      device,
      [&](std::string_view line) {
        state.framer->Line(line, ++number, sink);
        summary_.bytes += line.size() + 1;
      },
      &summary_.kmsg_lost, options);
  if (err) {
    errors->push_back(*err);
    ++summary_.errors;
  }
  // Like ReadPath: a device that could not be opened is not an input.
  if (!err || number > 0) EndInput();
  input_ = nullptr;
}

void Pipeline::ReadJournal(const std::string& path, std::vector<Error>* errors) {
  struct stat st;
  bool directory = stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  InputState state(nullptr);
  state.boot_base = boot_spans_.size();
  NameInput(&state, path, false);
  input_ = &state;
  uint64_t entries = 0;
  auto err = ReadJournalEntries(path, directory, [&](Record&& r) {
    ++entries;
    OnRecord(std::move(r));
  });
  if (err) {
    errors->push_back(*err);
    ++summary_.errors;
  }
  if (!err || entries > 0) EndInput();
  input_ = nullptr;
}

void Pipeline::ReadText(std::string_view text, const std::string& name) {
  std::vector<Error> errors;  // memory cannot fail to read
  ReadSource(std::make_unique<ReplaySource>(std::string(text), nullptr), name, &errors);
}

void Pipeline::ReadPath(const std::string& path, std::vector<Error>* errors) {
  if (path == "-") return ReadFd(0, "-", errors);
  struct stat st;
  bool exists = stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) return ReadDirectory(path, errors);
  if (exists && S_ISREG(st.st_mode) && format_ == "auto" && IsJournalFile(path)) {
    return ReadJournal(path, errors);
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    errors->push_back(Error{Location{path, 0, 0}, std::strerror(errno)});
    ++summary_.errors;
    return;
  }
  ReadFd(fd, path, errors);
  close(fd);
}

void Pipeline::NameInput(InputState* state, const std::string& name, bool guest) {
  state->name = name;
  state->guest = reading_guest_ || guest;
  if (state->guest) guest_inputs_.insert(name);
}

void Pipeline::ReadGuestPath(const std::string& path, std::vector<Error>* errors) {
  reading_guest_ = true;
  ReadPath(path, errors);
  reading_guest_ = false;
}

void Pipeline::ReadDirectory(const std::string& path, std::vector<Error>* errors) {
  DirectoryPlan plan = PlanDirectory(path);
  for (const Error& e : plan.errors) {
    errors->push_back(e);
    ++summary_.errors;
  }
  // pstore records (dmesg-<backend>-<id>) are read as the dumps they are parts of, each dump once,
  // where its first part comes in the walk; systemd-pstore's dmesg.txt beside them joins the same
  // parts again and is not read.
  std::vector<PstoreFile> records;
  for (const std::string& file : plan.logs) {
    PstoreFile f{file, {}};
    if (IsPstoreDmesgPath(file) && !ReadFileText(file, &f.text, kMaxPstoreRecord)) {
      records.push_back(std::move(f));
    }
  }
  std::vector<std::string> rest;
  std::vector<PstoreDump> dumps = AssemblePstoreDumps(std::move(records), &rest);
  std::map<std::string, size_t> dump_of;
  std::set<std::string> dump_dirs;
  for (size_t i = 0; i < dumps.size(); ++i) {
    for (const std::string& part : dumps[i].paths) {
      dump_of[part] = i;
      dump_dirs.insert(part.substr(0, part.rfind('/') + 1));
    }
  }
  std::vector<bool> read(dumps.size(), false);
  for (const std::string& file : plan.logs) {
    auto part = dump_of.find(file);
    if (part != dump_of.end()) {
      if (!read[part->second]) ReadText(dumps[part->second].text, dumps[part->second].name);
      read[part->second] = true;
      continue;
    }
    size_t slash = file.rfind('/');
    if (file.compare(slash + 1, std::string::npos, "dmesg.txt") == 0 &&
        dump_dirs.count(file.substr(0, slash + 1))) {
      continue;
    }
    std::string why;
    if (LooksLikeLog(file, &why)) {
      ReadPath(file, errors);
    } else {
      skipped_.push_back(Error{Location{file, 0, 0}, "skipped, not a log: " + why});
    }
  }
  for (const std::string& file : plan.lspci) {
    std::string text;
    std::optional<Error> err;
    if (auto why = ReadFileText(file, &text)) {
      err = Error{Location{file, 0, 0}, *why};
    } else {
      err = ReadLspci(text, file, &inventory_);
    }
    if (err) {
      errors->push_back(*err);
      ++summary_.errors;
    }
  }
}

std::vector<Finding*> Pipeline::Findings() {
  assembler_.Flush(event_sink_);
  links_.Flush(&findings_);
  std::vector<Finding*> findings = findings_.Sorted();
  // Evidence may come late in an input: its earlier findings are the guest's too.
  for (Finding* f : findings) {
    if (guest_inputs_.count(f->input)) f->provenance = Provenance::kGuest;
  }
  return findings;
}

const Summary& Pipeline::summary() {
  summary_.findings = findings_.size();
  summary_.facts = findings_.CountAt(Severity::kInfo);
  summary_.problems = summary_.findings - summary_.facts;
  summary_.findings_dropped = findings_.dropped();
  return summary_;
}

}  // namespace kdiag
