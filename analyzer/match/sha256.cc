// SHA-256 through libcrypto's EVP digest interface (EVP_DigestInit_ex(3), OpenSSL 3.0).
//
// EVP fails only when the library cannot allocate or the provider is missing; a key that cannot
// be computed would make every cache entry and every long-keyed finding the same, so a failure
// here ends the program with a message rather than returning a digest that is not one.
#include "analyzer/match/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace kdiag {

struct Sha256::Context {
  EVP_MD_CTX* md = nullptr;
};

namespace {

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "kdiag: libcrypto: %s failed\n", what);
  std::abort();
}

}  // namespace

Sha256::Sha256() : ctx_(new Context) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr) Fatal("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1) Fatal("EVP_DigestInit_ex(sha256)");
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_->md);
}

void Sha256::Update(const void* data, size_t size) {
  if (size == 0) return;
  if (EVP_DigestUpdate(ctx_->md, data, size) != 1) Fatal("EVP_DigestUpdate");
}

Sha256::Digest Sha256::Finish() {
  Digest d{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx_->md, d.data(), &n) != 1 || n != d.size()) {
    Fatal("EVP_DigestFinal_ex");
  }
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
