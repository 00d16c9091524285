"""The HTML report: content of the page, its plot data, and a real render in headless Chromium."""

from __future__ import annotations

import base64
import dataclasses
import html
import json
import math
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from formcheck.exercises.glute_bridge import GluteBridge
from formcheck.report.html import render_html, write_html
from formcheck.report.model import NotJudged, Report, Thumbnail
from formcheck.report.timeline import Band, Timeline
from reports import event, hold, make_report, rep

FPS = 30.0
DURATION_S = 30.0
BRIDGE_CLIP = Path(__file__).resolve().parents[1].parent / "shared" / "real-clips" / "physioplus_bridging.mp4"

# (start_s, top_reached_s, top_left_s, end_s, top_deg): three bridges, the second too high, the third held briefly.
BRIDGE_REPS = (
    (2.0, 3.4, 6.2, 8.0, 1.5),
    (11.0, 12.3, 14.8, 16.9, 16.0),
    (20.5, 21.8, 22.7, 24.6, -2.0),
)
REST_DEG = -38.0


def hip_line_curve(times: list[float]) -> list[float | None]:
    """A plausible hip-line angle: resting well below the line, rising smoothly to each top.

    A short stretch is None, as where the tracker lost the body for a moment.
    """
    values: list[float | None] = []
    for t in times:
        value = REST_DEG
        for start, top_in, top_out, end, top in BRIDGE_REPS:
            if start <= t < top_in:
                value = REST_DEG + (top - REST_DEG) * _ease((t - start) / (top_in - start))
            elif top_in <= t <= top_out:
                value = top + 0.8 * math.sin(2 * math.pi * 0.7 * t)
            elif top_out < t <= end:
                value = top + (REST_DEG - top) * _ease((t - top_out) / (end - top_out))
        value += 0.6 * math.sin(7.3 * t) + 0.3 * math.cos(13.1 * t)  # tracking jitter
        values.append(None if 27.0 <= t < 27.4 else round(value, 2))
    return values


def _ease(x: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * min(max(x, 0.0), 1.0))


def sample_report() -> Report:
    """A glute-bridge report: 3 reps, one hips_too_high, one short_hold."""
    return make_report("glute_bridge", source="clips/2024-05-02_bridge.mp4", duration_s=DURATION_S, fps=FPS,
                       frames_with_pose=int(DURATION_S * FPS) - 12, reps=[
                           rep(1, 2.0, 8.0, hold_s=2.8, peak_hip_extension_deg=2.1, lowering_s=1.8),
                           rep(2, 11.0, 16.9, ["hips_too_high"], hold_s=2.5, peak_hip_extension_deg=16.4,
                               lowering_s=2.1),
                           rep(3, 20.5, 24.6, ["short_hold"], hold_s=0.9, peak_hip_extension_deg=-1.6,
                               lowering_s=1.9),
                       ], events=[event("glute_bridge", "hips_too_high", 13.4),
                                  event("glute_bridge", "short_hold", 22.7)])


def sample_timeline() -> Timeline:
    times = [round(i / FPS, 4) for i in range(int(DURATION_S * FPS))]
    bands = GluteBridge().labelled_bands()["hip_line_deg"]
    return Timeline(t_s=times, series={"hip_line_deg": hip_line_curve(times)},
                    labels={"hip_line_deg": "Hip vs shoulder–knee line (°)"},
                    bands={"hip_line_deg": [Band(**b) for b in bands]},
                    reps=[(start, end) for start, _, _, end, _ in BRIDGE_REPS])


def sample_thumbnails() -> list[Thumbnail]:
    """Two fault frames with a skeleton drawn on: from the real bridge clip if present, else synthetic."""
    cv2 = pytest.importorskip("cv2")
    np = pytest.importorskip("numpy")
    images = []
    if BRIDGE_CLIP.exists():
        capture = cv2.VideoCapture(str(BRIDGE_CLIP))
        for frame_index in (30, 55):
            capture.set(cv2.CAP_PROP_POS_FRAMES, frame_index)
            ok, frame = capture.read()
            if ok:
                images.append(frame)
        capture.release()
    while len(images) < 2:
        images.append(np.full((480, 640, 3), (200, 215, 225), np.uint8))
    thumbs = []
    joints = [(150, 300), (330, 250), (450, 300), (470, 400)]  # shoulder, hip, knee, ankle
    for image, moment in zip(images, sample_report().events):
        image = image.copy()
        for a, b in zip(joints, joints[1:]):
            cv2.line(image, a, b, (80, 220, 120), 4, cv2.LINE_AA)
        for point in joints:
            cv2.circle(image, point, 7, (255, 255, 255), -1, cv2.LINE_AA)
        ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
        assert ok
        thumbs.append(Thumbnail(moment.t_s, moment.code, moment.message, jpeg.tobytes()))
    return thumbs


def figures(page: str) -> list[dict]:
    """The Plotly figures embedded in the page, parsed."""
    blobs = re.findall(r'<script type="application/json" class="fc-figure"[^>]*>(.*?)</script>', page, re.S)
    return [json.loads(blob) for blob in blobs]


class _Collector(HTMLParser):
    """Collects external references (src/href), table rows and images of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.rows: dict[str, int] = {}
        self.images: list[str] = []
        self._table: str | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "srcset", "action", "data"):
            if attrs.get(name):
                self.refs.append((tag, name, attrs[name]))
        if tag == "table":
            self._table = attrs.get("data-kind") or attrs.get("class")
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body and self._table:
            self.rows[self._table] = self.rows.get(self._table, 0) + 1
        elif tag == "img":
            self.images.append(attrs.get("src") or "")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None


def collect(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_report(), sample_timeline(), sample_thumbnails(), date="2 May 2024")


def test_summary_header_names_exercise_counts_faults_and_verdict(page):
    header = page[page.index('id="summary"'):page.index("</header>")]
    assert "Glute bridge" in header
    assert "2024-05-02_bridge.mp4" in header and "2 May 2024" in header
    assert re.search(r'tally-value">3</span>\s*<span class="tally-label">reps', header)
    assert 'data-code="hips_too_high"' in header and 'data-code="short_hold"' in header
    assert "Hips too high" in header and "Hold too short" in header
    assert "Stop when shoulders, hips and knees line up" in header  # cue, without repeating the title
    assert "3 reps, 1 with good form. The main thing to work on: hips too high." in header


def visible_text(page: str) -> str:
    """What a reader sees: the page without its scripts (figure data, Plotly) and tags."""
    text = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    text = re.sub(r"<style.*?</style>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def test_each_cue_is_said_once(page):
    text = visible_text(page)
    assert text.count("Stop when shoulders, hips and knees line up") == 1
    assert text.count("Hold for 2-3 seconds at the top") == 1


def test_fault_events_are_marked_on_the_plot_where_they_fired(page):
    (figure,) = figures(page)
    markers = {t["meta"]["fault_code"]: t for t in figure["data"] if t.get("mode") == "markers"}
    assert set(markers) == {"hips_too_high", "short_hold"}
    assert markers["hips_too_high"]["x"] == [13.4]
    assert "stop when shoulders" in markers["hips_too_high"]["hovertext"][0]
    # The marker sits on the curve at that time (the too-high top, ~16°).
    assert 13 < markers["hips_too_high"]["y"][0] < 19
    vlines = [s for s in figure["layout"]["shapes"] if s["type"] == "line" and s.get("xref", "x") == "x"]
    assert sorted(s["x0"] for s in vlines) == [13.4, 22.7]


def test_plot_shades_threshold_bands_and_rep_spans(page):
    (figure,) = figures(page)
    rects = [s for s in figure["layout"]["shapes"] if s["type"] == "rect"]
    bands = [s for s in rects if s.get("xref") == "x domain" or s.get("yref") == "y"]
    spans = [s for s in rects if s.get("xref") == "x" and s.get("yref") == "y domain"]
    too_high = [s for s in bands if s.get("y0") == 10.0]
    assert too_high and too_high[0]["y1"] > 16.4  # open-ended band reaches past the data
    assert sorted((s["x0"], s["x1"]) for s in spans) == [(2.0, 8.0), (11.0, 16.9), (20.5, 24.6)]
    annotations = {a["text"] for a in figure["layout"]["annotations"]}
    assert {"Hips too high", "Rep 1", "Rep 3"} <= annotations
    line = next(t for t in figure["data"] if t.get("mode") == "lines")
    assert len(line["x"]) == 900 and line["y"].count(None) == 12
    assert "Hip vs shoulder" in figure["layout"]["yaxis"]["title"]["text"]


def test_the_resting_position_is_not_painted_as_a_fault(page):
    """Lying flat between bridges (-38°) is inside "hips not high enough" (below -25°), which is
    judged only at a rep's top: no fault band there, but a dashed line each rep should reach."""
    (figure,) = figures(page)
    shapes = figure["layout"]["shapes"]
    bands = [s for s in shapes if s["type"] == "rect" and s.get("yref", "y") == "y"]
    assert not [b for b in bands if min(b["y0"], b["y1"]) <= REST_DEG <= max(b["y0"], b["y1"])]
    goal = [s for s in shapes if s["type"] == "line" and s.get("xref") == "x domain"]
    assert [(g["y0"], g["line"]["dash"]) for g in goal] == [(-25.0, "dash")]
    assert "Hips not high enough: below this line" in {a["text"] for a in figure["layout"]["annotations"]}
    caption = page[page.index('class="band-list"'):]
    assert "Hips not high enough if the curve stays below the dashed line at -25°" in caption[:400]


def test_rep_table_has_a_row_per_rep_with_metrics_and_faults(page):
    assert collect(page).rows == {"reps": 3}
    table = page[page.index('data-kind="reps"'):]
    table = table[:table.index("</table>")]
    assert "Hips at the top" in table and "16° above the shoulder–knee line" in table
    assert "2° below the shoulder–knee line" in table  # rep 3's top, -1.6°: in words, not "-1.6°"
    assert "Time to lower" in table and "2.1 s" in table
    assert table.count("has-fault") == 2 and table.count("✓ Good") == 1


def test_thumbnails_are_inline_jpeg_data_uris_with_captions(page):
    images = collect(page).images
    assert len(images) == 2
    for src in images:
        assert src.startswith("data:image/jpeg;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:2] == b"\xff\xd8"
    moments = page[page.index('id="moments"'):]
    assert "0:13.4" in moments and "Hold too short" in moments
    assert "Hold for 2-3 seconds at the top" not in moments  # said once, under "What to work on"


def test_page_is_self_contained(page):
    for tag, name, value in collect(page).refs:
        assert not re.match(r"\s*(https?:)?//", value), (tag, name, value)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert page.count("<script>") == 2  # plotly.js inlined once, plus the tiny renderer
    assert "plotly.js" in page.lower() and "@import" not in page


def test_disclaimer_is_present(page):
    disclaimer = page[page.index('id="disclaimer"'):]
    assert "not medical advice" in disclaimer
    assert "If an exercise hurts, stop" in disclaimer and "clinician" in disclaimer


def test_text_from_the_report_is_escaped():
    report = sample_report()
    report.source = "<script>alert(1)</script>.mp4"
    report.events[0] = dataclasses.replace(report.events[0], message="</script><b>boom</b>")
    page = render_html(report, sample_timeline(), [])
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "</script><b>boom" not in page
    assert figures(page)  # the figure JSON still parses


def test_no_faults_says_nice_work():
    report = sample_report()
    for item in report.reps:
        item.faults = []
    report.events = []
    page = render_html(report, sample_timeline(), [])
    assert "Good form: 3 reps, nothing to correct." in page
    assert "Nice work" in page and "What to work on" not in page
    (figure,) = figures(page)
    assert not [t for t in figure["data"] if t.get("mode") == "markers"]
    assert 'id="moments"' not in page


def test_no_faults_with_checks_the_view_hid_is_not_called_a_clean_pass():
    report = sample_report()
    for item in report.reps:
        item.faults = []
    report.events = []
    report.not_judged = [NotJudged("hips_too_high", "needs a side view (this one was front)")]
    page = render_html(report, sample_timeline(), [])
    assert "Good form in what this camera view shows: 3 reps, nothing to correct there." in page
    assert "no form faults spotted in what this view shows" in page
    assert "Not judged from this camera view" in page


def test_reps_with_nothing_to_correct_are_not_called_good_form_when_the_view_hid_checks():
    report = sample_report()  # 3 reps, 2 with a fault
    report.not_judged = [NotJudged("fast_lowering", "needs a side view (this one was oblique)")]
    verdict = html.unescape(render_html(report, sample_timeline(), []))
    assert "1 with nothing to correct that this view shows. The main thing" in verdict
    assert "with good form" not in verdict


def test_no_pose_found_explains_instead_of_plotting():
    report = make_report("glute_bridge", frames_with_pose=0)
    page = render_html(report, Timeline(), [])
    assert "No one found in the video" in page and "couldn't see a person" in html.unescape(page)
    assert not figures(page) and "Plotly.newPlot" not in page
    assert "not medical advice" in page


def test_no_reps_with_pose_found():
    page = render_html(make_report("glute_bridge"), Timeline(), [])
    assert "No reps or holds counted" in page
    assert 'data-kind="reps"' not in page and "Nice work" not in page


def sided_report() -> Report:
    """A seated figure-four: a right hold that leaned too far and a short left hold."""
    return make_report("seated_figure_four", source="figure_four.mp4", duration_s=60.0, size=(1280, 720), holds=[
        hold("right", 2.0, 24.5, ["leaning_too_far"], max_trunk_lean_deg=48.0),
        hold("left", 31.0, 42.0, ["short_hold"], max_trunk_lean_deg=30.0),
    ], events=[event("seated_figure_four", "leaning_too_far", 9.0, "right"),
               event("seated_figure_four", "short_hold", 42.0, "left")])


def test_left_right_comparison_for_sided_holds():
    times = [i / 10 for i in range(600)]
    timeline = Timeline(t_s=times, series={"trunk_lean_deg": [20 + 10 * math.sin(t / 5) for t in times]},
                        bands={"trunk_lean_deg": [Band("Leaning too far", 45.0, None, "leaning_too_far")]},
                        holds=[(2.0, 24.5, "right"), (31.0, 42.0, "left")])
    page = render_html(sided_report(), timeline, [])
    sides = page[page.index('id="sides"'):page.index('id="disclaimer"')]
    assert re.search(r"<th scope=\"col\">Left</th><th scope=\"col\">Right</th>", sides)
    assert re.search(r"Total time held</th><td>11.0 s</td><td>22.5 s</td>", sides)
    assert re.search(r"Most trunk lean \(average\)</th><td>30° from upright</td><td>48° from upright</td>", sides)
    assert "Left side: time held 11 s vs 22.5 s on the right - work toward evening them out" in sides
    assert collect(page).rows == {"holds": 2, "items sides": 4}
    header = page[:page.index("</header>")]
    assert "Left · 11 s held" in header and "Right · 22 s held" in header
    (figure,) = figures(page)
    assert {"Hold · right", "Hold · left"} <= {a["text"] for a in figure["layout"]["annotations"]}
    markers = [t for t in figure["data"] if t.get("mode") == "markers"]
    assert any("(right)" in text for t in markers for text in t["hovertext"])


def test_a_side_not_done_is_said_once():
    """Only the right side held: the comparison says so; the balance note that repeats it
    ("Left side: time held 0 s vs 22.5 s") is left out."""
    report = make_report("seated_figure_four", source="figure_four.mp4", duration_s=30.0, holds=[
        hold("right", 2.0, 24.5, [], max_trunk_lean_deg=30.0)], events=[])
    assert any(n.startswith("Left side: time held 0") for n in report.balance.notes)  # the model's notes
    page = render_html(report, Timeline(), [])
    text = visible_text(page)
    assert text.count("Only the right side was recorded") == 1
    assert "Left side: time held 0" not in text and "The left side was not done" not in text


def test_reps_without_a_time_at_the_top_have_no_empty_column():
    report = make_report("squat", reps=[rep(1, 1.0, 3.0, thigh_below_parallel_deg=4.0),
                                        rep(2, 4.0, 6.0, thigh_below_parallel_deg=-12.0)], events=[])
    table = render_html(report, Timeline(), [])
    table = table[table.index('data-kind="reps"'):table.index("</table>")]
    assert "Held at top" not in table and "4° below parallel" in table and "12° above parallel" in table


def test_write_html_is_atomic_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    write_html(target, sample_report(), sample_timeline(), [])
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]

    unrenderable = dataclasses.replace(sample_report(), video=None)
    with pytest.raises(AttributeError):
        write_html(target, unrenderable, sample_timeline(), [])
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _chromium_args(profile: str) -> list[str]:
    return [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
    ]


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed")
def test_page_renders_in_headless_chromium_without_js_errors(tmp_path):
    path = tmp_path / "report.html"
    write_html(path, sample_report(), sample_timeline(), sample_thumbnails())
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            _chromium_args(profile) + ["--window-size=1280,2400", "--dump-dom", path.as_uri()],
            capture_output=True, text=True, timeout=120,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "plot-container" in dom and "main-svg" in dom  # Plotly drew the figure
    assert dom.count('class="point"') == 2  # the two fault markers
    # Every console message (errors, uncaught exceptions, warnings) is logged as a CONSOLE line.
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    assert not console, console


def test_every_number_in_the_tables_has_its_unit(page):
    """Times are clock times, counts are counts; every measured value says what it is in."""
    for kind in ("reps",):
        table = page[page.index(f'data-kind="{kind}"'):]
        table = table[:table.index("</table>")]
        for label, cell in re.findall(r'<td data-label="([^"]+)">([^<]*)</td>', table):
            if label in ("Rep", "Hold", "Side") or cell == "—":
                continue
            if label in ("Start", "End"):
                assert re.fullmatch(r"\d+:\d\d\.\d", cell), (label, cell)
            else:
                assert re.search(r"\d(°| s\b|%|×| × | breaths)", cell), (label, cell)


def test_a_page_of_a_folder_run_links_the_shared_plotly_instead_of_inlining_it(tmp_path):
    from formcheck.report.pages import PLOTLY_FILE, plotly_js, plotly_link_below, write_plotly_js

    script = write_plotly_js(tmp_path)
    assert script == tmp_path / PLOTLY_FILE and script.read_text(encoding="utf-8") == plotly_js()
    before = script.stat().st_mtime_ns
    write_plotly_js(tmp_path)  # already there: left alone
    assert script.stat().st_mtime_ns == before
    (tmp_path / "week1").mkdir()
    page_path = tmp_path / "week1" / "monday.html"
    write_html(page_path, sample_report(), sample_timeline(), [], plotly_src=plotly_link_below("week1/monday.html"))
    page = page_path.read_text(encoding="utf-8")
    assert '<script src="../plotly.min.js" charset="utf-8"></script>' in page
    assert len(page) < 200_000 and "plotly.js" not in page.lower().replace("plotly.min.js", "")
    alone = render_html(sample_report(), sample_timeline(), [])  # a single report stays whole
    assert len(alone) > 3_000_000 and "<script src=" not in alone


def test_file_names_wrap_only_between_words():
    from formcheck.report.pages import file_name_html

    assert str(file_name_html("week1/bridge_hips-too.high.mp4")) == "week1/<wbr>bridge_<wbr>hips-<wbr>too.high.mp4"
    assert str(file_name_html("<b>_x.mp4")) == "&lt;b&gt;_<wbr>x.mp4"
    report = sample_report()
    report.source = "clips/a_very_long_recording_name.mp4"
    assert "a_<wbr>very_<wbr>long_<wbr>recording_<wbr>name.mp4" in render_html(report, sample_timeline(), [])


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_fits_a_laptop_and_a_phone(tmp_path, width):
    """At 1280 and 390 px wide (a phone): nothing wider than the screen, every plot drawn
    (from the shared script beside a folder run's pages), the rep table readable without
    scrolling sideways, and no console errors."""
    from browser import chromium_page
    from formcheck.report.pages import plotly_link_below, write_plotly_js

    write_plotly_js(tmp_path)
    (tmp_path / "week1").mkdir()
    path = tmp_path / "week1" / "a_long_recording_of_a_bridge.html"
    report = sample_report()
    report.source = "clips/a_long_recording_of_a_bridge_session.mp4"
    write_html(path, report, sample_timeline(), sample_thumbnails(),
               plotly_src=plotly_link_below("week1/a_long_recording_of_a_bridge.html"))
    with chromium_page(width, 900) as (browser_page, errors):
        browser_page.goto(path.as_uri())
        browser_page.wait_for_function("document.querySelectorAll('.main-svg').length >= 1", timeout=20_000)
        assert browser_page.evaluate("document.documentElement.scrollWidth") <= width
        table = browser_page.locator('table[data-kind="reps"]')
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
        images = browser_page.evaluate("[...document.images].map(i => i.naturalWidth)")
        assert len(images) == 2 and all(images)
    assert not errors, errors


def test_a_missing_shared_plotly_says_so_instead_of_failing(tmp_path):
    from browser import chromium_page

    path = tmp_path / "r.html"
    write_html(path, sample_report(), sample_timeline(), [], plotly_src="plotly.min.js")  # not written
    with chromium_page() as (browser_page, errors):
        browser_page.goto(path.as_uri())
        assert "needs" in browser_page.locator(".plot-missing").first.inner_text()
    assert [e for e in errors if "plotly.min.js" in e or "ERR_FILE_NOT_FOUND" in e] == errors


def test_the_index_shows_what_a_run_warned_of_once():
    import datetime as dt

    from formcheck.report.index_page import OK, IndexEntry, render_index

    report = sample_report()
    report.warnings = ["the video ends early (truncated after 53 frames)"]
    entry = IndexEntry("week1/a_cut_file.mp4", OK, dt.datetime(2024, 5, 2), report=report,
                       links={"report": "week1/a_cut_file.html"})
    page = render_index("clips", [entry], "glute_bridge", None, now=dt.datetime(2024, 5, 3))
    assert visible_text(page).count("Note: the video ends early (truncated after 53 frames)") == 1
    assert "week1/<wbr>a_<wbr>cut_<wbr>file.mp4" in page


def test_a_folder_run_writes_one_plotly_that_its_reports_link(tmp_path, model_path):
    from formcheck.batch import BatchSettings, run_batch

    clips = tmp_path / "clips" / "week1"
    clips.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[1] / "samples" / "clamshell" / "clamshell_clean.mp4",
                clips / "monday.mp4")
    results = tmp_path / "results"
    run_batch(tmp_path / "clips", results, BatchSettings(exercise="clamshell"), jobs=1, progress=False)
    page = (results / "week1" / "monday.html").read_text(encoding="utf-8")
    assert '<script src="../plotly.min.js"' in page and len(page) < 500_000
    assert (results / "plotly.min.js").stat().st_size > 3_000_000
    assert [p.name for p in results.rglob("*.js")] == ["plotly.min.js"]


def test_the_folder_index_fits_a_phone(tmp_path):
    import datetime as dt

    from browser import chromium_page
    from formcheck.report.index_page import FAILED, OK, IndexEntry, render_index

    entries = [IndexEntry("week1/a_long_recording_of_a_glute_bridge_session.mp4", OK, dt.datetime(2024, 5, 2),
                          report=sample_report(), links={"report": "week1/a.html", "JSON": "week1/a.json"}),
               IndexEntry("week1/broken.mp4", FAILED, dt.datetime(2024, 5, 3), error="not a readable video")]
    path = tmp_path / "index.html"
    path.write_text(render_index("clips", entries, "auto", "history.html"), encoding="utf-8")
    with chromium_page(390, 800) as (browser_page, errors):
        browser_page.goto(path.as_uri())
        assert browser_page.evaluate("document.documentElement.scrollWidth") <= 390
        table = browser_page.locator("table.videos")
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    assert not errors, errors
