// GzipBase64: text compressed as a gzip member (RFC 1952, through zlib) and written as base64
// (RFC 4648, section 4), a piece at a time, for data embedded in a page. The HTML report's
// findings shrink about twentyfold (the advice of one rule's findings differs in a few words), and
// base64's alphabet has no '<' or '&', so the embedded text can neither end its <script> block nor
// be read as markup, whatever bytes it holds. Browsers inflate it with DecompressionStream.
#ifndef KDIAG_OUTPUT_GZIP_BASE64_H_
#define KDIAG_OUTPUT_GZIP_BASE64_H_

#include <zlib.h>

#include <functional>
#include <string>
#include <string_view>

namespace kdiag {

class GzipBase64 {
 public:
  // The base64 text goes to `write`, in pieces of any length.
  explicit GzipBase64(std::function<void(std::string_view)> write);
  ~GzipBase64();
  GzipBase64(const GzipBase64&) = delete;
  GzipBase64& operator=(const GzipBase64&) = delete;

  void Add(std::string_view text);
  // Ends the gzip member and the base64 text (with its '=' padding). Nothing may be added after.
  void Finish();

 private:
  void Deflate(int flush);
  void Encode(const unsigned char* data, size_t size, bool last);

  std::function<void(std::string_view)> write_;
  z_stream z_{};
  std::string pending_;  // compressed bytes not yet encoded (fewer than 3)
  std::string out_;
};

// base64 of `bytes` (RFC 4648, section 4, with padding).
std::string Base64(std::string_view bytes);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_GZIP_BASE64_H_
