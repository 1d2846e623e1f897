// ReadKmsgDevice against the real /dev/kmsg (tests run as root) and against regular files.
#include "analyzer/input/sources/kmsg_device.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/input/framers/kmsg_framer.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/pipeline.h"

namespace kdiag {
namespace {

// Writes `message` to /dev/kmsg as a userspace record; false (with *why) when that is not allowed.
bool WriteKmsg(const std::string& message, std::string* why) {
  int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return *why = std::string("open /dev/kmsg for writing: ") + std::strerror(errno), false;
  ssize_t n = write(fd, message.data(), message.size());
  int saved = errno;
  close(fd);
  if (n != static_cast<ssize_t>(message.size())) {
    *why = std::string("write /dev/kmsg: ") + std::strerror(saved);
    return false;
  }
  return true;
}

std::string UniqueText() {
  return "kdiag-test-" + std::to_string(getpid()) + "-" + std::to_string(std::rand()) + " unique";
}

#define SKIP_WITHOUT_KMSG()                                                          \
  do {                                                                               \
    int probe = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);                \
    if (probe < 0) {                                                                 \
      GTEST_SKIP() << "cannot open /dev/kmsg for reading: " << std::strerror(errno); \
    }                                                                                \
    close(probe);                                                                    \
  } while (0)

TEST(KmsgDevice, DeliversARecordJustWritten) {
  SKIP_WITHOUT_KMSG();
  std::string text = UniqueText();
  std::string why;
  if (!WriteKmsg("<4>" + text + "\n", &why)) GTEST_SKIP() << why;

  KmsgFramer framer("/dev/kmsg");
  std::vector<Record> records;
  RecordSink sink = [&](Record&& r) { records.push_back(std::move(r)); };
  uint64_t number = 0, lost = 0;
  bool seen_line = false;
  auto err = ReadKmsgDevice(
      "/dev/kmsg",
      [&](std::string_view line) {
        EXPECT_EQ(line.find('\n'), line.npos);
        if (line.find(text) != line.npos) seen_line = true;
        framer.Line(line, ++number, sink);
      },
      &lost);
  framer.Finish(sink);
  ASSERT_FALSE(err) << err->ToString();
  EXPECT_TRUE(seen_line);
  const Record* mine = nullptr;
  for (const Record& r : records) {
    if (r.text == text) mine = &r;
  }
  ASSERT_TRUE(mine) << "no record with text " << text << " among " << records.size();
  // kernel/printk/printk.c devkmsg_write(): userspace records default to facility LOG_USER.
  EXPECT_EQ(mine->level, 4);
  EXPECT_EQ(mine->facility, 1);
  EXPECT_TRUE(mine->time_us.has_value());
}

class RecordCollector : public PipelineObserver {
 public:
  void OnRecord(const Record& r) override { records.push_back(r); }
  std::vector<Record> records;
};

TEST(KmsgDevice, PipelineReadsTheDevice) {
  SKIP_WITHOUT_KMSG();
  std::string text = UniqueText();
  std::string why;
  if (!WriteKmsg("<6>" + text + "\n", &why)) GTEST_SKIP() << why;
  std::vector<Rule> rules;
  ASSERT_FALSE(LoadEmbeddedRules(&rules));
  std::unique_ptr<Matcher> matcher;
  ASSERT_FALSE(Matcher::Build(std::move(rules), &matcher));
  RecordCollector collector;
  Pipeline pipeline(matcher.get(), &collector, "console");  // --format does not apply to it
  std::vector<Error> errors;
  pipeline.ReadKmsg("/dev/kmsg", &errors);
  EXPECT_TRUE(errors.empty());
  int found = 0;
  for (const Record& r : collector.records) {
    EXPECT_EQ(r.input, "/dev/kmsg");
    if (r.text != text) continue;
    ++found;
    EXPECT_EQ(r.level, 6);
  }
  EXPECT_EQ(found, 1);
  EXPECT_EQ(pipeline.summary().inputs, 1u);
}

TEST(KmsgDevice, MissingDeviceIsAnErrorNamingIt) {
  uint64_t lost = 0;
  auto err = ReadKmsgDevice(
      "/nonexistent/kmsg", [](std::string_view) {}, &lost);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->where.name, "/nonexistent/kmsg");
  EXPECT_EQ(err->ToString(), "/nonexistent/kmsg: No such file or directory");

  std::vector<Rule> rules;
  std::unique_ptr<Matcher> matcher;
  ASSERT_FALSE(Matcher::Build(std::move(rules), &matcher));
  Pipeline pipeline(matcher.get(), nullptr);
  std::vector<Error> errors;
  pipeline.ReadKmsg("/nonexistent/kmsg", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(pipeline.summary().inputs, 0u);
  EXPECT_EQ(pipeline.summary().errors, 1u);
}

TEST(KmsgDevice, RecordLinesOfAShortRegularFile) {
  // A regular file reads as one "record" per read(): enough to check the line splitting.
  char path[] = "/tmp/kdiag-kmsg-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string record = "6,1,2,-;a\\x0ab\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:01.0\n";
  ASSERT_EQ(write(fd, record.data(), record.size()), static_cast<ssize_t>(record.size()));
  close(fd);
  std::vector<std::string> lines;
  uint64_t lost = 0;
  auto err = ReadKmsgDevice(
      path, [&](std::string_view l) { lines.emplace_back(l); }, &lost);
  unlink(path);
  ASSERT_FALSE(err) << err->ToString();
  EXPECT_EQ(lines, (std::vector<std::string>{"6,1,2,-;a\\x0ab", " SUBSYSTEM=pci",
                                             " DEVICE=+pci:0000:00:01.0"}));
  EXPECT_EQ(lost, 0u);
}

}  // namespace
}  // namespace kdiag
