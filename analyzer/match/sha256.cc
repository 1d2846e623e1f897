// SHA-256 through libcrypto's low-level SHA256_Init/SHA256_Update/SHA256_Final (SHA256_Init(3)).
//
// Not through the EVP interface (EVP_DigestInit_ex(3)), which OpenSSL 3 prefers: the first EVP
// digest of a process loads and initialises the default provider, 5.2 M instructions of a warm
// start that otherwise costs about 70 M (bench/RESULTS.md), and kdiag hashes at every start (the
// rule set's and the databases' cache keys). The low-level functions are the same implementation
// the default provider calls, without the provider: deprecated since OpenSSL 3.0 (hence
// OPENSSL_SUPPRESS_DEPRECATED) but kept by it; Sha256.* in the suite checks FIPS 180-4's vectors.
//
// They fail only on a null context; a key that cannot be computed would make every cache entry
// and every long-keyed finding the same, so a failure here ends the program with a message rather
// than returning a digest that is not one.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "analyzer/match/sha256.h"

#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>

namespace kdiag {

struct Sha256::Context {
  SHA256_CTX sha;
};

namespace {

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "kdiag: libcrypto: %s failed\n", what);
  std::abort();
}

}  // namespace

Sha256::Sha256() : ctx_(new Context) {
  if (SHA256_Init(&ctx_->sha) != 1) Fatal("SHA256_Init");
}

Sha256::~Sha256() = default;

void Sha256::Update(const void* data, size_t size) {
  if (size == 0) return;
  if (SHA256_Update(&ctx_->sha, data, size) != 1) Fatal("SHA256_Update");
}

Sha256::Digest Sha256::Finish() {
  Digest d{};
  if (SHA256_Final(d.data(), &ctx_->sha) != 1) Fatal("SHA256_Final");
  return d;
}

std::string Sha256::Hex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * d.size());
  for (uint8_t b : d) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace kdiag
