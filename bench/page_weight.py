"""Measure what a built book page transfers before the reader scrolls, in headless Chromium (issue 22).

Serves a Hugo ``public/`` folder on 127.0.0.1, opens one page at 1200x1400 as a
reader would (muted autoplay allowed, cache off), waits ``--seconds`` without
scrolling, and sums ``transferSize`` over the Performance API's navigation and
resource entries. Prints the total, the bytes by file kind, and each file.

Usage::

    .venv/bin/python bench/page_weight.py PUBLIC_DIR PATH [--seconds 5] [--json OUT.json]

e.g. ``bench/page_weight.py /tmp/book/public ch10/``. The numbers quoted in
``/work/notes/issue-22.md`` and ``hugo/README.md`` come from this script.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import threading
import time
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

__all__ = ["measure_page"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _chromium() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from tests.chromium import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


def measure_page(public: Path, path: str, seconds: float = 5.0) -> dict[str, Any]:
    """Bytes the page at ``path`` of ``public`` transferred in its first ``seconds``, without scrolling.

    Returns ``{"total": bytes, "by_kind": {suffix: bytes}, "files": {url: bytes}}``.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(public)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = _chromium()
    try:
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        browser.get(f"http://127.0.0.1:{server.server_address[1]}/{path}")
        time.sleep(seconds)
        entries = browser.execute_script(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
            ".map(e => [e.name, e.transferSize])"
        )
    finally:
        browser.quit()
        server.shutdown()
        server.server_close()
    files: Counter[str] = Counter()
    for name, size in entries:
        files[name.split("/", 3)[3]] += size
    by_kind: Counter[str] = Counter()
    for name, size in files.items():
        by_kind[Path(name).suffix or "(page)"] += size
    return {"total": sum(files.values()), "by_kind": dict(by_kind), "files": dict(files)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("public", type=Path, help="the built site (hugo's public/ folder)")
    parser.add_argument("path", help="the page, relative to the site root, e.g. ch10/")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long the page stays open (default 5)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers to this file")
    arguments = parser.parse_args()
    result = measure_page(arguments.public, arguments.path, arguments.seconds)
    print(f"{arguments.path}: {result['total'] / 1e6:.2f} MB before scrolling")
    for kind, size in sorted(result["by_kind"].items(), key=lambda item: -item[1]):
        print(f"  {kind:8} {size / 1e6:8.3f} MB")
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
