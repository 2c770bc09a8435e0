#!/usr/bin/env python3
"""Loads pages in headless Chromium through the DevTools protocol (over a pipe, no network
port) and reports, for each page at each width, what a person would notice: console errors
and uncaught exceptions, anything wider than the window, and requests to any other host.

usage: browser_check.py [--widths 1280,375] [--reload-after-writing FILE] URL...

With --reload-after-writing, after the first page has loaded FILE gets a line appended and the
page must load again by itself (the preview's live reload) within 15 seconds.
Prints one JSON object per page and width; exit 0 unless Chromium cannot be driven.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse


class Browser:
    def __init__(self):
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not binary:
            raise SystemExit("no chromium")
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Chromium reads commands on descriptor 3 and writes answers on 4.
        high_r, high_w = os.dup(to_chrome_r), os.dup(from_chrome_w)

        def arrange():
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.profile = tempfile.mkdtemp(prefix="press-chromium-")
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--disable-component-update",
             "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=arrange, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        for fd in (to_chrome_r, from_chrome_w, high_r, high_w):
            os.close(fd)
        self.writer = os.fdopen(to_chrome_w, "wb", buffering=0)
        self.reader = os.fdopen(from_chrome_r, "rb", buffering=0)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = self.reader.read(65536)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        ident = self.next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.writer.write(json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            answer = self.read_message(deadline)
            if answer.get("id") == ident:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, method, session, timeout):
        deadline = time.time() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self.events[index]
                    return event
            self.events.append(self.read_message(deadline))

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


MEASURE = """JSON.stringify({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  wide: Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(e => {
      // Past the edge inside a box that scrolls or clips, and that box within the window: fine.
      for (let box = e.parentElement; box && box !== document.body; box = box.parentElement) {
        const overflow = getComputedStyle(box).overflowX;
        if (overflow !== 'visible') return box.getBoundingClientRect().right > window.innerWidth + 1;
      }
      return true;
    })
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')),
  title: document.title,
  landmarks: ['main', 'header', 'footer'].filter(t => document.querySelector(t)),
  imagesWithoutAlt: Array.from(document.images).filter(i => !i.hasAttribute('alt')).length
})"""


def check(browser, url, width, reload_file=None):
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(f"{domain}.enable", session=session)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}, session=session)
    browser.events = [e for e in browser.events if e.get("sessionId") != session]
    browser.send("Page.navigate", {"url": url}, session=session)
    browser.wait_for("Page.loadEventFired", session, 30)
    reloaded = None
    if reload_file:
        with open(reload_file, "a") as handle:
            handle.write("\nA line written while the page was open.\n")
        try:
            browser.wait_for("Page.loadEventFired", session, 15)
            reloaded = True
        except TimeoutError:
            reloaded = False
    measured = json.loads(browser.send("Runtime.evaluate", {"expression": MEASURE, "returnByValue": True},
                                       session=session)["result"]["value"])
    # Let late console messages arrive.
    browser.send("Runtime.evaluate", {"expression": "1"}, session=session)
    errors, hosts = [], set()
    own = urlparse(url).netloc
    for event in browser.events:
        if event.get("sessionId") != session:
            continue
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            errors.append(params.get("exceptionDetails", {}).get("text", "exception"))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(params["entry"].get("text", ""))
        elif method == "Network.requestWillBeSent":
            host = urlparse(params.get("request", {}).get("url", "")).netloc
            if host:
                hosts.add(host)
    browser.send("Target.closeTarget", {"targetId": target})
    browser.events = [e for e in browser.events if e.get("sessionId") != session]
    result = {"url": url, "width": width, "errors": errors, "otherHosts": sorted(h for h in hosts if h != own)}
    result.update(measured)
    if reload_file:
        result["reloaded"] = reloaded
    return result


def main():
    args = sys.argv[1:]
    widths, reload_file = [1280, 375], None
    while args and args[0].startswith("--"):
        option = args.pop(0)
        if option == "--widths":
            widths = [int(w) for w in args.pop(0).split(",")]
        elif option == "--reload-after-writing":
            reload_file = args.pop(0)
        else:
            raise SystemExit(f"unknown option {option}")
    browser = Browser()
    try:
        for index, url in enumerate(args):
            for width in widths:
                first = index == 0 and width == widths[0]
                print(json.dumps(check(browser, url, width, reload_file if first else None)), flush=True)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
