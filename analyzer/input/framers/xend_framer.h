// XendFramer: xend's /var/log/xen/xend.log (Xen 3.x to 4.4), a Python logging file.
//
// Each message starts with "[YYYY-MM-DD HH:MM:SS PID] LEVEL (module:line) " (xend_prefix.h);
// logging writes an exception's traceback after it on lines without the prefix:
//   [2009-06-30 13:46:14 5499] ERROR (XendDomainInfo:1942) XendDomainInfo.destroy: ... failed.
//   Traceback (most recent call last):
//     File "/usr/lib/python2.5/site-packages/xen/xend/XendDomainInfo.py", line 1937, in ...
//       xc.domain_destroy(self.domid)
//   Error: (3, 'No such process')
// so a line without the prefix continues the message before it (joined by '\n'), up to the same
// bounds as the console's continuation lines (10,000 lines, 1 MiB); past them, and before the
// first prefixed line, such lines are records of their own. Every record is Source::kUserspace,
// program "xend". Blank lines make no records.
#ifndef KDIAG_INPUT_FRAMERS_XEND_FRAMER_H_
#define KDIAG_INPUT_FRAMERS_XEND_FRAMER_H_

#include <optional>
#include <string>
#include <string_view>

#include "analyzer/input/framers/framer.h"

namespace kdiag {

class XendFramer : public Framer {
 public:
  explicit XendFramer(std::string input_name);
  void Line(std::string_view line, uint64_t number, const RecordSink& sink) override;
  void Finish(const RecordSink& sink) override;

 private:
  void Flush(const RecordSink& sink);

  std::string input_name_;
  std::optional<Record> pending_;  // held until the next line shows it is not continued
  std::string scratch_;
};

// The head of a xend.log: its first non-blank line has xend's prefix.
bool LooksLikeXendLog(std::string_view head);

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_XEND_FRAMER_H_
