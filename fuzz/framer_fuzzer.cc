// libFuzzer target for one input format's framer (KDIAG_FUZZ_FORMAT, a name from
// input/framers/format.cc), built once per format by fuzz/CMakeLists.txt.
//
// The input goes the way a file's bytes go in the pipeline: the line reader (with a small line
// limit, so truncation is exercised too) splits it, the framer turns lines into records. Records
// are checked for what every framer promises (a record names its input and a line inside it, its
// levels are syslog's), so a framer that corrupts its state fails here and not only under ASan.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "analyzer/input/framers/format.h"
#include "analyzer/input/sources/byte_source.h"
#include "analyzer/input/sources/line_reader.h"

#ifndef KDIAG_FUZZ_FORMAT
#error "KDIAG_FUZZ_FORMAT names the format to fuzz"
#endif

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kdiag::InputFormat* format = kdiag::FindFormat(KDIAG_FUZZ_FORMAT);
  Check(format != nullptr);
  std::unique_ptr<kdiag::Framer> framer = format->make("fuzz");
  kdiag::ReplaySource source(std::string(reinterpret_cast<const char*>(data), size), nullptr);
  uint64_t lines = 0;
  kdiag::RecordSink sink = [&lines](kdiag::Record&& r) {
    Check(r.input == "fuzz");
    Check(r.line >= 1 && r.line <= lines + 1);
    Check(r.line_count >= 1);
    Check(r.level >= -1 && r.level <= 7);
    Check(r.facility >= -1 && r.facility <= 23);
  };
  kdiag::LineReader reader(&source, "fuzz", 4096);
  auto err = reader.ForEach([&](const kdiag::Line& line) {
    lines = line.number;
    framer->Line(line.text, line.number, sink);
  });
  framer->Finish(sink);
  (void)err;
  return 0;
}
