// Framing: bytes -> lines (LineReader) and lines -> records (ConsoleFramer).
//
//   BM_ConsoleFramer        typical "[%5lu.%06lu] message" dmesg lines, already split, into records
//   BM_LineReader_File      LineReader over a temp file of the same text (page cache warm)
//   BM_LineReader_Pipe      LineReader over a pipe, a writer thread feeding it
//   BM_LineReader_Framer    both: a temp file read and framed, the front end of every run
#include <fcntl.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "analyzer/input/framers/console_framer.h"
#include "analyzer/input/sources/line_reader.h"
#include "bench/bench_data.h"

namespace kdiag::bench {
namespace {

constexpr size_t kLines = 100000;  // ~8 MB of text

const std::string& Text() {
  static const std::string text = TypicalDmesgText(kLines);
  return text;
}

// A temp file holding Text(), removed when the benchmark binary exits.
struct TempTextFile {
  TempTextFile() {
    char name[] = "/tmp/kdiag_bench_XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0) std::abort();
    const std::string& t = Text();
    size_t off = 0;
    while (off < t.size()) {
      ssize_t n = write(fd, t.data() + off, t.size() - off);
      if (n <= 0) std::abort();
      off += static_cast<size_t>(n);
    }
    close(fd);
    path = name;
  }
  ~TempTextFile() { unlink(path.c_str()); }
  std::string path;
};

const std::string& TempFile() {
  static const TempTextFile file;
  return file.path;
}

void BM_ConsoleFramer(benchmark::State& state) {
  const std::string& text = Text();
  const auto lines = SplitLines(text);
  uint64_t records = 0;
  RecordSink sink = [&records](Record&& r) {
    benchmark::DoNotOptimize(r.text.data());
    ++records;
  };
  for (auto _ : state) {
    ConsoleFramer framer("bench");
    uint64_t number = 0;
    for (std::string_view line : lines) framer.Line(line, ++number, sink);
    framer.Finish(sink);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * lines.size()));
  state.counters["records/iter"] =
      static_cast<double>(records) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ConsoleFramer)->Unit(benchmark::kMillisecond);

void BM_LineReader_File(benchmark::State& state) {
  const std::string& path = TempFile();
  uint64_t lines = 0, bytes = 0;
  for (auto _ : state) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    LineReader reader(fd, path);
    auto err = reader.ForEach([&lines](const Line& line) {
      benchmark::DoNotOptimize(line.text.data());
      ++lines;
    });
    if (err) state.SkipWithError(err->ToString().c_str());
    bytes += reader.bytes();
    close(fd);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(lines));
}
BENCHMARK(BM_LineReader_File)->Unit(benchmark::kMillisecond);

void BM_LineReader_Pipe(benchmark::State& state) {
  const std::string& text = Text();
  uint64_t lines = 0, bytes = 0;
  for (auto _ : state) {
    int fds[2];
    if (pipe(fds) != 0) {
      state.SkipWithError("pipe failed");
      break;
    }
    std::thread writer([&text, wfd = fds[1]] {
      size_t off = 0;
      while (off < text.size()) {
        ssize_t n = write(wfd, text.data() + off, text.size() - off);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
      }
      close(wfd);
    });
    LineReader reader(fds[0], "pipe");
    auto err = reader.ForEach([&lines](const Line& line) {
      benchmark::DoNotOptimize(line.text.data());
      ++lines;
    });
    writer.join();
    close(fds[0]);
    if (err) state.SkipWithError(err->ToString().c_str());
    bytes += reader.bytes();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(lines));
}
BENCHMARK(BM_LineReader_Pipe)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LineReader_Framer(benchmark::State& state) {
  const std::string& path = TempFile();
  uint64_t lines = 0, bytes = 0;
  RecordSink sink = [](Record&& r) { benchmark::DoNotOptimize(r.text.data()); };
  for (auto _ : state) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    LineReader reader(fd, path);
    ConsoleFramer framer(path);
    auto err = reader.ForEach([&](const Line& line) {
      framer.Line(line.text, line.number, sink);
      ++lines;
    });
    framer.Finish(sink);
    if (err) state.SkipWithError(err->ToString().c_str());
    bytes += reader.bytes();
    close(fd);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(lines));
}
BENCHMARK(BM_LineReader_Framer)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kdiag::bench
