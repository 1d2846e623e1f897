// Telling the service manager how the sidecar is doing: systemd's notification protocol.
//
// A unit of Type=notify is "started" only when its process says READY=1 on the datagram socket
// named by $NOTIFY_SOCKET; units ordered after it (a log shipper reading the event file, say)
// then start against an event file that is open and a rule set that is compiled, and
// `systemctl start kdiag` returns once kdiag can see a message, not before. STOPPING=1 says the
// input has ended and the final flush is under way; STATUS= is the one-line state that
// `systemctl status` shows. libsystemd's sd_notify(3) speaks the protocol (sd-daemon.h); without
// $NOTIFY_SOCKET (any run not under systemd) it does nothing, so these calls cost nothing outside
// a unit. A failure to notify is not kdiag's failure: systemd times the start out and says so in
// its own journal, which is where the operator looks.
#ifndef KDIAG_LIVE_SERVICE_NOTIFY_H_
#define KDIAG_LIVE_SERVICE_NOTIFY_H_

#include <string>

namespace kdiag {

// READY=1 with a STATUS= line: the output is open, the rules are compiled, the saved position is
// loaded, and the input is about to be read.
void NotifyReady(const std::string& status);
// STOPPING=1 with a STATUS= line: the input has ended (a stop signal, its end, a closed output).
void NotifyStopping(const std::string& status);

}  // namespace kdiag

#endif  // KDIAG_LIVE_SERVICE_NOTIFY_H_
