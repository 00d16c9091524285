"""What every page shares: one Jinja2 environment over ``templates/`` (autoescaping on;
every page extends ``_page.html``), Plotly's JavaScript to inline and how figures are
shown, the fault colours, and JSON that is safe inside a ``<script>`` element."""

from __future__ import annotations

import functools
import json
import os
import urllib.parse
from pathlib import Path
from typing import Any

import jinja2

TEMPLATE_DIR = Path(__file__).with_name("templates")
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
    """The templates, with the filters ``url`` (a relative path as a link) and
    ``script_json`` (a value as JSON for a ``<script>`` element)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["url"] = lambda path: urllib.parse.quote(str(path).replace(os.sep, "/"))
    env.filters["script_json"] = lambda value: script_safe_json(json.dumps(value, separators=(",", ":")))
    return env


def render(template: str, **context: Any) -> str:
    """A page from ``templates/``: each extends ``_page.html`` (head, disclaimer, and the
    script that draws the Plotly figures when ``plotly_js`` is given)."""
    context = {"plotly_js": "", "plotly_config": PLOTLY_CONFIG, **context}
    return environment().get_template(template).render(**context)


@functools.lru_cache(maxsize=1)
def plotly_js() -> str:
    """Plotly's JavaScript, inlined once per page so it opens offline."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def script_safe_json(text: str) -> str:
    """JSON that can sit inside a <script> element (no '</script>' or '<!--' can form)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
