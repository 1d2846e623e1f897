// Runs the kdiag binary for CLI and golden tests: arguments, a working directory and stdin in;
// exit status, stdout and stderr out. Output goes through temporary files, so no pipe can fill up.
#ifndef KDIAG_TESTS_RUN_KDIAG_H_
#define KDIAG_TESTS_RUN_KDIAG_H_

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace kdiag::testing {

struct RunResult {
  int status = -1;  // exit code, or 128 + signal
  std::string out;
  std::string err;
};

RunResult RunKdiag(const std::vector<std::string>& args, const std::string& cwd = "",
                   const std::string& stdin_data = "", const std::vector<std::string>& env = {});

// One line of kdiag's NDJSON: its "type" and "rule" (empty when absent) and the whole line.
struct NdjsonLine {
  std::string type, rule, raw;
};
// Every line must be a JSON object ending with a newline (a gtest failure otherwise).
std::vector<NdjsonLine> ParseNdjson(const std::string& text);

// How often `needle` occurs in `hay`, overlaps included.
size_t Count(const std::string& hay, const std::string& needle);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);
// A fresh directory under $TMPDIR (or /tmp).
std::string TempDir();

// A kdiag running in the background (live modes): stdin is a pipe the test writes to, stdout and
// stderr go to files (or stdout to a pipe the test may close). The destructor kills it if it is
// still running.
class Background {
 public:
  explicit Background(const std::vector<std::string>& args, bool stdout_pipe = false);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  void WriteStdin(const std::string& text);
  void CloseStdin();
  void CloseStdoutPipe();
  void Signal(int sig);
  // Waits for the exit: the status as RunResult's, or -1 after `seconds`.
  int Wait(double seconds = 20);
  std::string out() const { return ReadFile(dir_ + "/stdout"); }
  std::string err() const { return ReadFile(dir_ + "/stderr"); }
  pid_t pid() const { return pid_; }
  // The read end of the stdout pipe (stdout_pipe), or -1.
  int stdout_fd() const { return stdout_; }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  int status_ = -1;
};

// Calls `done` every 10 ms until it returns true (then true) or `seconds` pass (then false). The
// default is a bound for a hung kdiag, not a speed claim: under ASan with two suites on two CPUs a
// sidecar's first event took more than 10 s.
bool WaitFor(const std::function<bool()>& done, double seconds = 60);

}  // namespace kdiag::testing

#endif  // KDIAG_TESTS_RUN_KDIAG_H_
