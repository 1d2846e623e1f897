#include "analyzer/input/framers/format.h"

#include "analyzer/input/framers/console_framer.h"
#include "analyzer/input/framers/dmesg_json_framer.h"
#include "analyzer/input/framers/journal_export_framer.h"
#include "analyzer/input/framers/journal_json_framer.h"
#include "analyzer/input/framers/journal_verbose_framer.h"
#include "analyzer/input/framers/kmsg_framer.h"
#include "analyzer/input/framers/single_writer_framer.h"
#include "analyzer/input/framers/xend_framer.h"
#include "analyzer/input/provenance.h"

namespace kdiag {
namespace {

template <typename T>
std::unique_ptr<Framer> Make(const std::string& input_name) {
  return std::make_unique<T>(input_name);
}

std::unique_ptr<Framer> MakeGuestConsole(const std::string& input_name) {
  return std::make_unique<SingleWriterFramer>(input_name, Source::kKernel, "", true);
}

std::unique_ptr<Framer> MakeQemuDm(const std::string& input_name) {
  return std::make_unique<SingleWriterFramer>(input_name, Source::kUserspace, "qemu-dm", false);
}

// The names xenconsoled and libxl give these files (input/provenance.h GuestLogByName). The guest
// writes the content, not the name: a guest console must not be read as the console framer would
// read hypervisor.log because its text looks like Xen's.
const char* FormatByName(std::string_view input_name) {
  switch (GuestLogByName(input_name)) {
    case GuestLog::kConsole:
      return "xen-guest-console";
    case GuestLog::kDeviceModel:
      return "qemu-dm";
    case GuestLog::kNone:
      break;
  }
  return nullptr;
}

}  // namespace

const std::vector<InputFormat>& InputFormats() {
  // Order matters: specific formats first, console text (the fallback) last.
  static const std::vector<InputFormat> formats = {
      {"kmsg", LooksLikeKmsg, Make<KmsgFramer>},
      {"journal-json", LooksLikeJournalJson, Make<JournalJsonFramer>},
      {"journal-export", LooksLikeJournalExport, Make<JournalExportFramer>},
      {"journal-verbose", LooksLikeJournalVerbose, Make<JournalVerboseFramer>},
      {"dmesg-json", LooksLikeDmesgJson, Make<DmesgJsonFramer>},
      {"xend", LooksLikeXendLog, Make<XendFramer>},
      {"qemu-dm", LooksLikeQemuDmLog, MakeQemuDm, true},
      {"xen-guest-console", LooksLikeXenGuestConsole, MakeGuestConsole, true},
      {"console", nullptr, Make<ConsoleFramer>},
  };
  return formats;
}

const InputFormat* FindFormat(std::string_view name) {
  for (const InputFormat& f : InputFormats()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

const InputFormat& DetectFormat(std::string_view head) {
  for (const InputFormat& f : InputFormats()) {
    if (f.detect && f.detect(head)) return f;
  }
  return *FindFormat("console");
}

const InputFormat& DetectFormat(std::string_view head, std::string_view input_name) {
  if (const char* name = FormatByName(input_name)) return *FindFormat(name);
  return DetectFormat(head);
}

std::string FormatNames() {
  std::string names = "auto";
  for (const InputFormat& f : InputFormats()) names += std::string(", ") + f.name;
  return names;
}

}  // namespace kdiag
