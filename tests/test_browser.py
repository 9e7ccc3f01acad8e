"""The explorer in a real browser: JupyterLab in headless Chromium, driven by Playwright.

The other explorer tests drive the Python object; this one catches what only a browser
shows: a widget that renders as text ("VBox(...)") after an ipywidgets or JupyterLab
upgrade, a comm that stops sending previews, a slider the mouse cannot move. It

1. starts JupyterLab from this environment on a free local port with a token, in a
   temporary folder holding a copy of a task notebook (nothing tracked is written),
   with TUTORIAL_FAST=1 for the kernel (TUTORIAL_BROWSER_REAL=1: the real settings);
2. opens the notebook in Chromium, runs every cell, saves it, and checks that no cell
   errored (read back from the saved file) and that the explorer rendered as a widget;
3. drags the lambda slider with the mouse and asserts that the picture changed and that
   the caption settles on the new lambda; then moves it twice in quick succession and
   asserts that the caption settles on the second value.

Chromium comes from Debian (`apt-get install -y chromium`), not `playwright install`,
which downloads a browser. Without Chromium or Playwright the test skips and says why;
.ci/run installs both. A screenshot is saved in test-artifacts/ on failure, and one of
the explorer after the move on success; the latencies go to
test-artifacts/browser_latency.json.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"  # git-ignored
NOTEBOOK = "08_denoising.ipynb"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the skip below says so
    sync_playwright = None


def env_fast() -> bool:
    return os.environ.get("TUTORIAL_BROWSER_REAL") != "1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a copy of the notebook: yields (base URL, token, folder)."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, work / NOTEBOOK)
    # every cell in the page (no windowing), so that the test can see all prompts
    settings = tmp_path / "settings" / "@jupyterlab"
    for plugin, value in {
        "notebook-extension/tracker": '{"windowingMode": "none"}',
        "apputils-extension/notification": '{"fetchNews": "false"}',  # no pop-up
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True)
        path.write_text(value)
    port, token = _free_port(), "browser-test-token"
    # a live kernel: no static explorer, even where make test set it for nbval's kernels
    live = {k: v for k, v in os.environ.items() if k != "TUTORIAL_STATIC"}
    env = live | {
        # TUTORIAL_BROWSER_REAL=1: the real settings, to measure latencies as a student
        # meets them (minutes); the suite runs the fast mode
        "TUTORIAL_FAST": "1" if env_fast() else "0",
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    log = (tmp_path / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root"]
        + [f"--port={port}", f"--ServerApp.token={token}"]
        + [f"--ServerApp.root_dir={work}", "--ServerApp.ip=127.0.0.1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kernels go with it
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                _stop(server)
                tail = (tmp_path / "jupyterlab.log").read_text()[-2000:]
                pytest.fail(f"JupyterLab did not start within 120 s:\n{tail}")
            time.sleep(0.5)
    yield base, token, work
    _stop(server)
    log.close()


def _stop(server: subprocess.Popen) -> None:
    """End the server and every kernel it started (one process group)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)


def _run_state(page) -> str:
    """ "done": the kernel is idle and every shown code cell has an execution count;
    "stopped": idle with cells that never ran (an error aborts the rest of a Run
    All); "running" otherwise."""
    return page.evaluate(
        """() => {
            const prompts = [...document.querySelectorAll(
                '.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim());
            const status = [...document.querySelectorAll('.jp-StatusBar-TextItem')]
                .map(t => t.textContent).join(' ');
            if (prompts.length === 0 || !status.includes('| Idle')) return 'running';
            if (prompts.some(t => t === '[*]:')) return 'running';
            return prompts.every(t => /^\\[\\d+\\]:$/.test(t)) ? 'done' : 'stopped';
        }"""
    )


def _drag(page, handle, dx: float) -> None:
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=8)
    page.mouse.up()


def _caption_lambda(text: str) -> float | None:
    """The lambda a caption names ("... lambda 1.78, p 1, ..."), or None.

    The slider's readout and the caption format the same number differently (the
    browser's d3 ".3g" keeps zeros: "1.00"; Python's drops them: "1"), so the test
    compares numbers, not strings.

    >>> _caption_lambda("restoration: PSNR 22.5 dB | lambda 1, p 1, warm start")
    1.0
    """
    match = re.search(r"lambda ([0-9.e+-]+),", text)
    return float(match.group(1)) if match else None


def _settled_on(page, explorer, lam: str, timeout_s: float) -> float:
    """Wait until the caption shows a finished run with lambda ``lam`` (the slider's
    readout, equal to 3 significant digits); the time."""
    caption = explorer.locator(".widget-html-content").nth(1)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = caption.inner_text()
        shown = _caption_lambda(text)
        if (
            text.startswith("restoration:")
            and shown is not None
            and math.isclose(shown, float(lam), rel_tol=5e-3)
        ):
            return time.perf_counter()
        page.wait_for_timeout(20)
    raise AssertionError(f"caption never settled on lambda {lam}: {text!r}")


@pytest.mark.skipif(sync_playwright is None, reason="Playwright is not installed")
@pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium: apt-get install -y chromium (see .ci/run)"
)
def test_explorer_in_jupyterlab(lab):
    base, token, work = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=120_000)
            page.wait_for_selector(
                ".jp-Toolbar-kernelName:has-text('Python')", timeout=120_000
            )
            # the kernel's name shows before the kernel is up: wait for it to be idle
            page.wait_for_selector(
                ".jp-StatusBar-TextItem:has-text('| Idle')", timeout=120_000
            )
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            # and for the run to begin, so that cells not yet run read as "not yet",
            # not as "stopped" (a Run All that took a few seconds to start failed here)
            page.wait_for_function(
                """() => [...document.querySelectorAll(
                    '.jp-CodeCell .jp-InputArea-prompt')].some(
                    p => /^\\[(\\*|\\d+)\\]:$/.test(p.textContent.trim()))""",
                timeout=120_000,
            )
            deadline, seen = time.monotonic() + 900, []
            while seen[-3:] not in (["done"] * 3, ["stopped"] * 3):  # not a pause
                assert time.monotonic() < deadline, "the notebook did not finish"
                seen.append(_run_state(page))
                page.wait_for_timeout(1000)
            page.keyboard.press("Control+s")
            page.wait_for_selector(".jp-mod-dirty", state="detached", timeout=30_000)

            saved = json.loads((work / NOTEBOOK).read_text())
            code = [cell for cell in saved["cells"] if cell["cell_type"] == "code"]
            failed = [
                f"{output['ename']}: {output['evalue']}"
                for cell in code
                for output in cell["outputs"]
                if output["output_type"] == "error"
            ]
            assert not failed, f"cells raised {failed}"
            assert all(cell["execution_count"] for cell in code), "a cell did not run"
            assert not errors, f"errors in the page: {errors}"

            sliders = page.locator(".widget-hslider")
            lam_slider = sliders.filter(has_text="lambda").first
            assert lam_slider.is_visible(), "the explorer did not render as a widget"
            explorer = page.locator(".widget-vbox", has=lam_slider).first
            assert "VBox(" not in explorer.inner_text()
            picture = explorer.locator("img").first
            readout = lam_slider.locator(".widget-readout")
            handle = lam_slider.locator(".noUi-handle")
            handle.scroll_into_view_if_needed()

            before_src, before_lam = picture.get_attribute("src"), readout.inner_text()
            _drag(page, handle, 60)
            released = time.perf_counter()
            page.wait_for_function(
                "([img, src]) => img.getAttribute('src') !== src",
                arg=[picture.element_handle(), before_src],
                timeout=60_000,
            )
            first_picture = time.perf_counter()
            new_lam = readout.inner_text()
            assert new_lam != before_lam, "the drag did not move the slider"
            settled = _settled_on(page, explorer, new_lam, 120)
            page.screenshot(path=ARTIFACTS / "explorer_after_move.png")

            _drag(page, handle, -40)  # two quick moves: the second during the first
            _drag(page, handle, -40)
            second_release = time.perf_counter()
            last_lam = readout.inner_text()
            assert last_lam != new_lam, "the quick drags did not move the slider"
            two_settled = _settled_on(page, explorer, last_lam, 120)

            latency = {
                "notebook": NOTEBOOK,
                "mode": "fast" if env_fast() else "real",
                "first picture after release (s)": first_picture - released,
                "settled after release (s)": settled - released,
                "two quick moves, settled after second release (s)": two_settled
                - second_release,
            }
            (ARTIFACTS / "browser_latency.json").write_text(
                json.dumps(latency, indent=1)
            )
            print(latency)
        except BaseException:
            page.screenshot(path=ARTIFACTS / "browser_failure.png")
            raise
        finally:
            browser.close()
