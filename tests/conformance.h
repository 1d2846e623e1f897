// The util-linux dmesg conformance data in ../shared (read at run time, never copied into the
// project). A test whose data is absent says so loudly on stderr and skips.
#ifndef KDIAG_TESTS_CONFORMANCE_H_
#define KDIAG_TESTS_CONFORMANCE_H_

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace kdiag::testing {

inline std::string ConformanceDir() {
  return std::string(KDIAG_SHARED_DIR) + "/conformance/util-linux-dmesg";
}

// The file at ConformanceDir()/relative; false when it cannot be read.
inline bool ReadConformanceFile(const std::string& relative, std::string* out) {
  std::ifstream in(ConformanceDir() + "/" + relative, std::ios::binary);
  if (!in) return false;
  std::stringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return true;
}

}  // namespace kdiag::testing

// Declares std::string `var` holding the conformance file, or skips the test loudly.
#define READ_CONFORMANCE(var, relative)                                                  \
  std::string var;                                                                       \
  if (!::kdiag::testing::ReadConformanceFile(relative, &var)) {                          \
    std::fprintf(stderr, "\n*** conformance data missing: %s/%s -- SKIPPING ***\n\n",    \
                 ::kdiag::testing::ConformanceDir().c_str(), relative);                  \
    GTEST_SKIP() << "missing " << ::kdiag::testing::ConformanceDir() << "/" << relative; \
  }

#endif  // KDIAG_TESTS_CONFORMANCE_H_
