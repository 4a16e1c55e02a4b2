"""An HTML report opened in a real browser (headless Chromium, Debian's `chromium` package, installed
by the README's test set-up and .ci/run): the derivation expanded, a screenshot that is not blank,
and the cited provisions and decisive circumstances in the rendered page."""
from __future__ import annotations

import os
import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from wfikb.engine import Engine
from wfikb.reports.make import reports
from wfikb.reports.render import render
from wfikb.scenario import load

CHROMIUM = Path("/usr/bin/chromium")
EXAMPLE = "scenarios/examples/wrag-appellant-new-joiners.toml"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--disable-extensions"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / f"profile-{len(list(tmp.iterdir()))}"
    profile.mkdir()
    env = {**os.environ, "HOME": str(tmp)}
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, env=env)


def png_pixels(data: bytes) -> tuple[int, int, list[int]]:
    """Width, height and the grey level of every pixel of an 8-bit RGB(A) PNG (pure Python)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    grey = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        grey += [(line[x] + line[x + 1] + line[x + 2]) // 3 for x in range(0, stride, bpp)]
        prev = line
    return width, height, grey


@pytest.fixture(scope="module")
def html():
    return render(reports(Engine(), [load(EXAMPLE)]), "html")


def test_report_in_headless_chromium(tmp_path, html):
    # The reader expands the derivation: the page as it is with <details> open.
    expanded = html.replace('<details class="derivation">', '<details class="derivation" open>')
    assert expanded != html
    page = tmp_path / "report.html"
    page.write_text(expanded, encoding="utf-8")
    shot = tmp_path / "report.png"
    res = chromium(tmp_path, "--window-size=412,2000", f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), res.stderr[-2000:]
    width, height, grey = png_pixels(shot.read_bytes())
    assert (width, height) == (412, 2000)
    # not blank: text and badges give many dark pixels and a real spread of levels
    dark = sum(1 for g in grey if g < 128)
    assert dark > 0.01 * len(grey)
    mean = sum(grey) / len(grey)
    assert sum((g - mean) ** 2 for g in grey) / len(grey) > 100
    # the page as the browser built it: cited provisions, decisive circumstances, the open derivation
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert '<details class="derivation" open="">' in dom
    for text in ('<a href="https://www.legislation.gov.uk/uksi/2008/794/regulation/54/2013-09-02">reg 54(1)</a>',
                 "ESA Regs 2008", "Decisive</span> You were born on 14 May 1979 (aged 34).",
                 "If you were aged 66 (born on 2 September 1947)",
                 "Decisive</span> Appeal: appealing or seeking reconsideration to be placed in the support group.",
                 "Not decisive</span> You receive old-style ESA",
                 'id="r1-step-1"', "(see step"):
        assert text in dom, text


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF Chromium printed: the largest /Count of its page tree."""
    return max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))


def test_print_stylesheet_expands_the_derivation(tmp_path, html):
    """Printed (print media), the collapsed derivation is expanded by the report's own print
    stylesheet: the PDF has many more pages than the same page without those print rules."""
    rules = ("details.derivation::details-content { content-visibility: visible; display: block; }",
             "details.derivation > :not(summary) { display: block; }")
    assert all(r in html for r in rules)
    without = html
    for r in rules:
        without = without.replace(r, "")
    pages = []
    for name, text in (("printed", html), ("without", without)):
        page = tmp_path / f"{name}.html"
        page.write_text(text, encoding="utf-8")
        pdf = tmp_path / f"{name}.pdf"
        chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
        pages.append(pdf_pages(pdf.read_bytes()))
    assert pages[0] >= pages[1] + 3, pages
