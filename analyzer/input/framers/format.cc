#include "analyzer/input/framers/format.h"

#include "analyzer/input/framers/console_framer.h"
#include "analyzer/input/framers/dmesg_json_framer.h"
#include "analyzer/input/framers/journal_export_framer.h"
#include "analyzer/input/framers/journal_json_framer.h"
#include "analyzer/input/framers/journal_verbose_framer.h"
#include "analyzer/input/framers/kmsg_framer.h"

namespace kdiag {
namespace {

template <typename T>
std::unique_ptr<Framer> Make(const std::string& input_name) {
  return std::make_unique<T>(input_name);
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

std::string FormatNames() {
  std::string names = "auto";
  for (const InputFormat& f : InputFormats()) names += std::string(", ") + f.name;
  return names;
}

}  // namespace kdiag
