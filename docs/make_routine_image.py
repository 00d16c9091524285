"""Make the README's picture of the routine page, so it can be made again after a change:

    python docs/make_routine_image.py          # docs/images/routine.png

The back-pain routine's four sample clips are joined into one video (as the routine tests
join them: tests/test_routine.py), ``formcheck analyze VIDEO --routine back-pain`` runs on
it as typed, and headless Chromium photographs the routine page it wrote.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "docs")]

from browser import chromium_page  # noqa: E402  (tests/browser.py)
from make_images import IMAGES, save_small  # noqa: E402
from test_routine import CLIPS, join_clips  # noqa: E402

WIDTH_PX = 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "2026-12-01_routine.mp4"
        join_clips([REPO / "samples" / f"{clip}.mp4" for clip, _ in CLIPS], video)
        page = Path(tmp) / "routine.html"
        subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(video), "--routine", "back-pain",
                        "--html", str(page), "-q"], check=True, cwd=REPO)
        shot = Path(tmp) / "shot.png"
        with chromium_page(WIDTH_PX, 900) as (browser_page, errors):
            browser_page.goto(page.as_uri())
            browser_page.screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": WIDTH_PX,
                                                          "height": _bottom(browser_page)})
            if errors:
                raise SystemExit(f"the routine page logged errors: {errors}")
        save_small(Image.open(shot), IMAGES / "routine.png", width=700)
    print(IMAGES / "routine.png")


def _bottom(page) -> int:
    """Down to the end of the exercises' card (the disclaimer is left out)."""
    box = page.locator("#exercises").bounding_box()
    return int(box["y"] + box["height"] + 16)


if __name__ == "__main__":
    main()
