#include "run_kdiag.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <poll.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <simdjson.h>

namespace kdiag::testing {

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

namespace {

// The directories TempDir made, removed when the test program exits: every RunKdiag makes one, so
// a suite run left thousands in /tmp. KDIAG_KEEP_TEMP=1 keeps them for a post-mortem. Only the
// process that made them removes them: a death test's child, which exits through the same static
// destructors, must not delete its parent's files.
class MadeDirs {
 public:
  ~MadeDirs() {
    if (getpid() != owner_ || std::getenv("KDIAG_KEEP_TEMP")) return;
    std::error_code ec;
    for (const std::string& d : dirs_) std::filesystem::remove_all(d, ec);
  }
  void Add(const std::string& dir) {
    std::lock_guard<std::mutex> hold(mu_);
    dirs_.push_back(dir);
  }

 private:
  pid_t owner_ = getpid();
  std::mutex mu_;
  std::vector<std::string> dirs_;
};

MadeDirs& Made() {
  static MadeDirs made;
  return made;
}

}  // namespace

std::string TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/kdiag_test.XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) return std::string();
  Made().Add(buf.data());
  return buf.data();
}

RunResult RunKdiag(const std::vector<std::string>& args, const std::string& cwd,
                   const std::string& stdin_data, const std::vector<std::string>& env) {
  std::string dir = TempDir();
  std::string in = dir + "/stdin", out = dir + "/stdout", err = dir + "/stderr";
  WriteFile(in, stdin_data);
  pid_t pid = fork();
  if (pid == 0) {
    int fin = open(in.c_str(), O_RDONLY);
    int fout = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ferr = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fin, 0), dup2(fout, 1), dup2(ferr, 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(127);
    for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(KDIAG_BINARY));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(KDIAG_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  unlink(in.c_str()), unlink(out.c_str()), unlink(err.c_str()), rmdir(dir.c_str());
  return r;
}

Background::Background(const std::vector<std::string>& args, bool stdout_pipe) : dir_(TempDir()) {
  int in[2], outp[2] = {-1, -1};
  if (pipe(in) != 0 || (stdout_pipe && pipe(outp) != 0)) return;
  pid_ = fork();
  if (pid_ == 0) {
    int fout = stdout_pipe ? outp[1]
                           : open((dir_ + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ferr = open((dir_ + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in[0], 0), dup2(fout, 1), dup2(ferr, 2);
    close(in[1]);
    if (stdout_pipe) close(outp[0]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(KDIAG_BINARY));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(KDIAG_BINARY, argv.data());
    _exit(127);
  }
  close(in[0]);
  stdin_ = in[1];
  if (stdout_pipe) close(outp[1]), stdout_ = outp[0];
}

Background::~Background() {
  if (pid_ > 0 && status_ < 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  CloseStdin();
  CloseStdoutPipe();
}

void Background::WriteStdin(const std::string& text) {
  size_t done = 0;
  while (stdin_ >= 0 && done < text.size()) {
    ssize_t n = write(stdin_, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

void Background::CloseStdin() {
  if (stdin_ >= 0) close(stdin_);
  stdin_ = -1;
}

void Background::CloseStdoutPipe() {
  if (stdout_ >= 0) close(stdout_);
  stdout_ = -1;
}

void Background::Signal(int sig) {
  if (pid_ > 0 && status_ < 0) kill(pid_, sig);
}

int Background::Wait(double seconds) {
  if (status_ >= 0 || pid_ <= 0) return status_;
  int status = 0;
  bool exited = WaitFor([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, seconds);
  if (!exited) return -1;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return status_;
}

bool WaitFor(const std::function<bool()>& done, double seconds) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::vector<NdjsonLine> ParseNdjson(const std::string& text) {
  std::vector<NdjsonLine> out;
  simdjson::dom::parser parser;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    EXPECT_NE(nl, std::string::npos) << "NDJSON must end every line with a newline";
    if (nl == std::string::npos) break;
    std::string raw = text.substr(start, nl - start);
    start = nl + 1;
    simdjson::dom::element doc;
    auto error = parser.parse(raw).get(doc);
    EXPECT_FALSE(error) << "not JSON: " << raw;
    if (error) continue;
    NdjsonLine l;
    l.raw = raw;
    std::string_view sv;
    if (!doc["type"].get(sv)) l.type = std::string(sv);
    if (!doc["rule"].get(sv)) l.rule = std::string(sv);
    out.push_back(l);
  }
  return out;
}

}  // namespace kdiag::testing
