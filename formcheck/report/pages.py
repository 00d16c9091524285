"""What every page shares: one Jinja2 environment over ``templates/`` (autoescaping on;
every page extends ``_page.html``), Plotly's JavaScript (inlined in a page that stands
alone, or one shared file beside the pages of a folder run) and how figures are shown,
the fault colours, and JSON that is safe inside a ``<script>`` element."""

from __future__ import annotations

import functools
import json
import os
import posixpath
import re
import urllib.parse
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from formcheck.fileio import write_text_atomic

TEMPLATE_DIR = Path(__file__).with_name("templates")
# A folder run's pages link this one copy of Plotly (4.6 MB) instead of each inlining it.
PLOTLY_FILE = "plotly.min.js"
# Separators after which a file name may wrap on a narrow screen (never inside a word,
# nor before its extension).
_NAME_BREAKS = re.compile(r"([/\\_\-])")
# Warm, print-friendly colours handed to fault codes in order of appearance.
FAULT_COLORS = ("#d9534f", "#e08e2b", "#8e5bb5", "#c2185b", "#6d4c41", "#b8860b", "#5c6bc0")
PLOTLY_CONFIG = {
    "responsive": True,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates, with the filters ``url`` (a relative path as a link), ``script_json``
    (a value as JSON for a ``<script>`` element) and ``file_name`` (a name that wraps only
    after ``/ _ -``)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["url"] = lambda path: urllib.parse.quote(str(path).replace(os.sep, "/"))
    env.filters["script_json"] = lambda value: script_safe_json(json.dumps(value, separators=(",", ":")))
    env.filters["file_name"] = file_name_html
    return env


def render(template: str, **context: Any) -> str:
    """A page from ``templates/``: each extends ``_page.html`` (head, disclaimer, and the
    script that draws the Plotly figures when ``plotly_js`` (inlined) or ``plotly_src`` (a
    shared file, relative to the page) is given)."""
    context = {"plotly_js": "", "plotly_src": None, "plotly_config": PLOTLY_CONFIG, **context}
    return environment().get_template(template).render(**context)


@functools.lru_cache(maxsize=1)
def plotly_js() -> str:
    """Plotly's JavaScript, inlined once per page so it opens offline."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def write_plotly_js(folder: str | os.PathLike) -> Path:
    """The one copy of Plotly the pages of a folder run share, ``FOLDER/plotly.min.js``:
    written (atomically) when missing or from another Plotly version, else left alone."""
    path = Path(folder) / PLOTLY_FILE
    script = plotly_js()
    if not path.is_file() or path.stat().st_size != len(script.encode("utf-8")) or path.read_text(
            encoding="utf-8") != script:
        write_text_atomic(path, script)
    return path


def plotly_link_below(page: str) -> str:
    """The link to the shared Plotly file from a page at ``page`` (a POSIX path relative to
    the folder holding the file): "week1/monday.html" -> "../plotly.min.js"."""
    return posixpath.relpath(PLOTLY_FILE, posixpath.dirname(page) or ".")


def file_name_html(name: str) -> markupsafe.Markup:
    """A file name, escaped, that a narrow screen wraps after ``/ _ -`` ("squat_<wbr>side.mp4")
    rather than in the middle of a word."""
    return markupsafe.Markup("<wbr>").join(markupsafe.escape(part) for part in _split_name(str(name)))


def _split_name(name: str) -> list[str]:
    pieces = _NAME_BREAKS.split(name)
    out: list[str] = []
    for piece in pieces:  # keep each separator at the end of the piece before it
        if out and _NAME_BREAKS.fullmatch(piece):
            out[-1] += piece
        elif piece:
            out.append(piece)
    return out


def script_safe_json(text: str) -> str:
    """JSON that can sit inside a <script> element (no '</script>' or '<!--' can form)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
