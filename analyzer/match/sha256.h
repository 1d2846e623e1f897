// SHA-256 (FIPS 180-4): the key of the compiled-database cache (database_cache.h) and of a
// finding whose key fields are too long to keep (finding.h). The digest is computed by
// libcrypto (OpenSSL 3, Debian's libssl-dev; SHA256_Init(3), not EVP: see sha256.cc): kdiag does
// not carry cryptography of its own. SHA-256 rather than a faster non-cryptographic hash because a
// finding's key is text a guest wrote: a guest must not be able to make two keys collide.
#ifndef KDIAG_MATCH_SHA256_H_
#define KDIAG_MATCH_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kdiag {

class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;

  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  // Returns the digest; the object must not be updated afterwards.
  Digest Finish();

  static Digest Of(std::string_view s) {
    Sha256 h;
    h.Update(s);
    return h.Finish();
  }
  // Lower-case hex, 64 characters.
  static std::string Hex(const Digest& d);

 private:
  struct Context;  // an EVP_MD_CTX, kept out of this header
  std::unique_ptr<Context> ctx_;
};

}  // namespace kdiag

#endif  // KDIAG_MATCH_SHA256_H_
