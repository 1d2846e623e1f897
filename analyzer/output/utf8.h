// UTF-8 decoding shared by the writers that must print untrusted bytes safely.
#ifndef KDIAG_OUTPUT_UTF8_H_
#define KDIAG_OUTPUT_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kdiag {

// Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when the bytes there are not valid
// UTF-8 (overlong forms, surrogates and code points past U+10FFFF are invalid). Sets *cp.
size_t Utf8SequenceAt(std::string_view s, size_t i, uint32_t* cp);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_UTF8_H_
