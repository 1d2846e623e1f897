// Runs the kdiag binary for CLI and golden tests: arguments, a working directory and stdin in;
// exit status, stdout and stderr out. Output goes through temporary files, so no pipe can fill up.
#ifndef KDIAG_TESTS_RUN_KDIAG_H_
#define KDIAG_TESTS_RUN_KDIAG_H_

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

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);
// A fresh directory under $TMPDIR (or /tmp).
std::string TempDir();

}  // namespace kdiag::testing

#endif  // KDIAG_TESTS_RUN_KDIAG_H_
