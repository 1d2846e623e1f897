#include "analyzer/live/service_notify.h"

#include <systemd/sd-daemon.h>

namespace kdiag {
namespace {

// unset_environment = 0 keeps $NOTIFY_SOCKET, so that STOPPING=1 can follow READY=1 (the sidecar
// starts no child that could inherit it).
void Notify(const std::string& state) {
  sd_notify(0, state.c_str());
}

// One line: a newline in a path would start another assignment (MAINPID=, say).
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

void NotifyReady(const std::string& status) {
  Notify("READY=1\nSTATUS=" + OneLine(status));
}

void NotifyStopping(const std::string& status) {
  Notify("STOPPING=1\nSTATUS=" + OneLine(status));
}

}  // namespace kdiag
