// Input formats: the names --format takes, detection from an input's first bytes, and the framer
// that reads each.
//
// Detection looks at up to kDetectBytes of decoded input (after decompression). Formats are tried
// in table order; the first whose detector accepts the head wins, and line-oriented console text
// (which also reads syslog, xl dmesg and the Xen toolstack's lines, per line) is the fallback for
// anything else. For the files a guest writes into (its console log, its device model's log) the
// name xenconsoled or libxl gives them decides first: the guest controls their content.
#ifndef KDIAG_INPUT_FRAMERS_FORMAT_H_
#define KDIAG_INPUT_FRAMERS_FORMAT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/input/framers/framer.h"

namespace kdiag {

inline constexpr size_t kDetectBytes = 64 * 1024;

struct InputFormat {
  const char* name;                       // as given to --format
  bool (*detect)(std::string_view head);  // null: chosen only with --format
  std::unique_ptr<Framer> (*make)(const std::string& input_name);
  bool guest_written = false;  // every file of this format is a guest's (input/provenance.h)
};

const std::vector<InputFormat>& InputFormats();
// nullptr when unknown. "auto" is not a format (it means: detect).
const InputFormat* FindFormat(std::string_view name);
const InputFormat& DetectFormat(std::string_view head);
// The same, but the file names xenconsoled and libxl give guest console and device model logs
// ("guest-NAME.log", "qemu-dm-NAME.log", rotated or compressed) decide before the content.
const InputFormat& DetectFormat(std::string_view head, std::string_view input_name);
// "console, kmsg, ..." for messages.
std::string FormatNames();

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_FORMAT_H_
