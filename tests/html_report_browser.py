#!/usr/bin/env python3
"""The HTML report in a real headless Chromium (Debian's `chromium`), driven over the DevTools
protocol on a pipe (--remote-debugging-pipe: fds 3 and 4, messages ended by NUL), so nothing
listens on a port and no Python package beyond the standard library is needed.

  html_report_browser.py KDIAG CORPUS_DIR OUT_DIR

For each page: it loads with no console error, no exception and no Content-Security-Policy
violation; it shows as many findings as kdiag's NDJSON has; clicking a finding opens its log lines
with input:line; the filters hide what they should. A page built from guest-written markup runs
none of it. 10,000 findings: the page's size and render time are printed, not asserted.
Screenshots go to OUT_DIR (kept as CI artifacts). Exits 77 (skipped, for ctest) when chromium is
missing, saying so.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
PAGE = 250  # table rows shown at first, per boot (html_report.js)


class Browser:
    def __init__(self, binary, profile):
        cmd_r, self.cmd_w = os.pipe()
        self.res_r, res_w = os.pipe()

        def wire():
            os.dup2(cmd_r, 3)
            os.dup2(res_w, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile,
             "--window-size=1280,900", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(res_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.res_r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.cmd_w, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(method + ": " + json.dumps(reply["error"]))
                return reply["result"]
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method, seconds=120):
        deadline = time.time() + seconds
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e["method"] == method:
                    return self.events.pop(i)
            self.events.append(self._read())
        raise RuntimeError("no " + method + " within %d s" % seconds)

    def open(self):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.call("Target.attachToTarget",
                             {"targetId": target["targetId"], "flatten": True}, session=False)
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(domain + ".enable")

    def load(self, path):
        self.events = []
        started = time.time()
        self.call("Page.navigate", {"url": "file://" + os.path.abspath(path)})
        self.wait_event("Page.loadEventFired")
        # The page inflates its data and renders after the load event; kdiagRenderMs says done.
        deadline = time.time() + 120
        while time.time() < deadline and not self.eval("window.kdiagRenderMs !== undefined"):
            time.sleep(0.05)
        return time.time() - started

    def eval(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(expression + ": " + json.dumps(result["exceptionDetails"]))
        return result["result"].get("value")

    def problems(self):
        """Console errors and warnings, exceptions, CSP violations, dialogs since the load."""
        found = []
        for e in self.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.exceptionThrown":
                found.append("exception: " + json.dumps(p["exceptionDetails"])[:500])
            elif m == "Runtime.consoleAPICalled" and p["type"] in ("error", "warning", "assert"):
                found.append("console %s: %s" % (p["type"], json.dumps(p["args"])[:500]))
            elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                found.append("log %s: %s" % (p["entry"]["level"], p["entry"]["text"][:500]))
            elif m == "Page.javascriptDialogOpening":
                found.append("dialog: " + p["message"])
        return found

    def screenshot(self, path):
        height = self.eval("document.documentElement.scrollHeight")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": min(max(height, 600), 1400), "deviceScaleFactor": 1,
                   "mobile": False})
        shot = self.call("Page.captureScreenshot", {"format": "png"})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        self.call("Emulation.clearDeviceMetricsOverride")

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except RuntimeError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def kdiag(binary, args):
    run = subprocess.run([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if run.returncode not in (0, 1):
        raise RuntimeError("kdiag %s: exit %d: %s" % (args, run.returncode, run.stderr.decode()))
    return run.stdout


def findings_of(binary, args):
    lines = kdiag(binary, ["--output", "ndjson"] + args).decode().splitlines()
    return [json.loads(l) for l in lines if json.loads(l)["type"] == "finding"]


def page_checks(browser, name, expected):
    """The checks every page gets; returns the load time in seconds."""
    check(not browser.problems(), name + ": no console error, exception or CSP violation " +
          json.dumps(browser.problems())[:2000])
    check(browser.eval("document.body.dataset.shown") == str(len(expected)),
          name + ": the count above the findings says " + str(len(expected)))
    # A boot's findings are placed on the kernel clock when any has a time, else by line.
    boots = {}
    for f in expected:
        boots.setdefault((f["input"]["name"], f["boot"]), []).append(f)
    marks = sum(sum(1 for f in b if f["first"] is not None) or len(b) for b in boots.values())
    # Each boot's table shows its first 250 findings, and a button the rest a page at a time.
    rows = sum(min(len(b), PAGE) for b in boots.values())
    shown = browser.eval("document.querySelectorAll('tr.finding').length")
    check(shown == rows, "%s: %d table rows (NDJSON has %d findings)" % (name, shown, len(expected)))
    more = browser.eval("[...document.querySelectorAll('button.more')].filter((b) => !b.hidden)"
                        ".map((b) => b.textContent)")
    check(len(more) == sum(1 for b in boots.values() if len(b) > PAGE),
          "%s: a 'show more' button where a boot has more than %d findings %s" % (name, PAGE, more))
    check(browser.eval("document.querySelectorAll('.track .mark').length") == marks,
          "%s: %d timeline marks in %d boot(s)" % (name, marks, len(boots)))
    check(browser.eval("document.querySelectorAll('section.boot').length") == len(boots),
          "%s: a section per input and boot" % name)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    binary, corpus, out = sys.argv[1:]
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIPPED: the HTML report's browser test needs chromium (apt-get install chromium; "
              "scripts/setup test installs it)")
        return SKIP
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="kdiag-html-")
    browser = Browser(chromium, os.path.join(work, "profile"))
    try:
        browser.open()

        # Real logs of several rules and severities, in three inputs.
        logs = [os.path.join(corpus, "founding-case", "dmesg.log"),
                os.path.join(corpus, "founding-case", "xl-dmesg.log"),
                os.path.join(corpus, "kernel-crashes", "dmesg.log")]
        args = ["--lspci", os.path.join(corpus, "founding-case", "lspci-n.txt")] + logs
        expected = findings_of(binary, args)
        page = os.path.join(work, "report.html")
        kdiag(binary, ["--html", page] + args)
        browser.load(page)
        page_checks(browser, "real logs", expected)
        browser.eval("document.querySelector('tr.finding').click()")
        detail = browser.eval("document.querySelector('aside').hidden ? '' : document.querySelector('aside').textContent")
        first = expected[0]
        where = "%s:%d: " % (first["input"]["name"], first["input"]["line"])
        check(where in detail and first["rule"] in detail and first["severity"] in detail,
              "clicking a finding opens its rule, severity and log line " + where)
        browser.eval("document.querySelector('aside #close').click()")
        browser.eval("document.querySelector('.mark').click()")
        check(browser.eval("!document.querySelector('aside').hidden"), "clicking a timeline mark opens its finding")
        browser.screenshot(os.path.join(out, "report.png"))  # docs/html-report.png is one of these
        browser.eval("document.querySelector('aside #close').click()")

        # Filters: by severity, by rule, by device.
        top = expected[0]["severity"]
        browser.eval("var b = document.querySelector('input[data-severity=%s]'); b.checked = false;"
                     "b.dispatchEvent(new Event('change', {bubbles: true}))" % json.dumps(top))
        left = sum(1 for f in expected if f["severity"] != top)
        check(browser.eval("document.body.dataset.shown") == str(left),
              "unticking %s leaves %d findings" % (top, left))
        browser.load(page)
        rule = expected[-1]["rule"]
        browser.eval("var s = document.getElementById('rule'); s.value = %s;"
                     "s.dispatchEvent(new Event('change', {bubbles: true}))" % json.dumps(rule))
        check(browser.eval("document.body.dataset.shown") ==
              str(sum(1 for f in expected if f["rule"] == rule)), "the rule filter keeps " + rule)
        bdf = next((f["fields"]["bdf"] for f in expected if "bdf" in f["fields"]), None)
        check(bdf is not None, "the real logs name a device")
        browser.eval("document.getElementById('rule').value = '';"
                     "var d = document.getElementById('device'); d.value = %s;"
                     "d.dispatchEvent(new Event('change', {bubbles: true}))" % json.dumps(bdf))
        check(browser.eval("document.body.dataset.shown") ==
              str(sum(1 for f in expected if f["fields"].get("bdf") == bdf)),
              "the device filter keeps " + str(bdf))

        # Markup a guest wrote into its log, through every text the page shows.
        hostile = ["<script>window.pwned=1</script>", "<img src=x onerror=window.pwned=2>",
                   "</script><script>window.pwned=3</script>", "<!--", "<svg/onload=window.pwned=4>",
                   "<iframe src=javascript:window.parent.pwned=5>"]
        lines = []
        for i, h in enumerate(hostile):
            lines.append("[  %d.000000] EXT4-fs error (device %s): ext4_find_entry:1455: inode #2: "
                         "comm %s: reading directory lblock 0" % (i + 1, h.replace(" ", ""), h))
        evil = os.path.join(work, "<b>evil<script>alert(6)<\\script>.log")
        with open(evil, "w") as f:
            f.write("\n".join(lines) + "\n")
        expected = findings_of(binary, [evil])
        check(len(expected) >= 1, "the hostile log yields findings (%d)" % len(expected))
        page = os.path.join(work, "hostile.html")
        kdiag(binary, ["--html", page, evil])
        browser.load(page)
        page_checks(browser, "hostile log", expected)
        for i in range(len(expected)):
            browser.eval("document.querySelectorAll('tr.finding')[%d].click()" % i)
        check(browser.eval("window.pwned === undefined"), "no guest-written script ran")
        check(browser.eval("document.querySelectorAll('script').length") == 2,
              "the page has its own two script elements and no other")
        check(browser.eval("document.querySelectorAll('img,svg,iframe,b').length") == 0,
              "no guest-written element exists")
        check(browser.eval("document.title") == "kdiag report", "the title is the page's own")
        text = browser.eval("document.body.innerText")
        check("comm <svg/onload=window.pwned=4>" in text or "<svg/onload=window.pwned=4>" in text,
              "guest-written markup is shown as text")
        browser.screenshot(os.path.join(out, "hostile.png"))

        # 10,000 findings: size and render time, measured (not asserted).
        many = os.path.join(work, "many.log")
        line = ("[%5d.%06d] pciback 0000:%02x:%02x.%d: Driver tried to write to a read-only "
                "configuration space field at offset 0x%x, size 2. This may be harmless, but if "
                "you have problems with your device:\n")
        with open(many, "w") as f:
            for n in range(10000):  # 10,000 functions (bus, device, function), a register each
                f.write(line % (n // 10, n % 10 * 1000, n // 256, (n // 8) % 32, n % 8,
                                0x40 + 4 * (n % 32)))
        expected = findings_of(binary, [many])
        page = os.path.join(work, "many.html")
        started = time.time()
        kdiag(binary, ["--html", page, many])
        written = time.time() - started
        seconds = browser.load(page)
        page_checks(browser, "10,000 findings", expected)
        render = browser.eval("window.kdiagRenderMs")
        print("measured: %d findings, page %d bytes (%.1f bytes per finding), kdiag %.2f s, "
              "browser load %.2f s, script render %.0f ms" %
              (len(expected), os.path.getsize(page), os.path.getsize(page) / max(1, len(expected)),
               written, seconds, render))
        started = time.time()
        browser.eval("var b = document.querySelector('input[data-severity=warning]'); b.checked = false;"
                     "b.dispatchEvent(new Event('change', {bubbles: true}))")
        print("measured: filtering 10,000 findings %.0f ms (round trip)" % ((time.time() - started) * 1000))
        check(browser.eval("document.body.dataset.shown") == "0", "filtering hides all 10,000")
        browser.load(page)
        browser.eval("document.querySelector('button.more').click()")
        check(browser.eval("document.querySelectorAll('tr.finding').length") == 2 * PAGE,
              "'show more' shows the next %d" % PAGE)
    finally:
        browser.close()
        shutil.rmtree(work, ignore_errors=True)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
