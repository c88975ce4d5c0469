"""plotly.js's own style rules as a stylesheet, for pages under a strict Content-Security-Policy.

plotly.js adds its rules (modebar, hover labels, notifier) to a `<style>` element it creates at
run time; a policy that allows styles only from files or hashes blocks that, and the modebar
then shows as bare buttons over the chart. The rules are a literal object in plotly.min.js:
this module reads them from the installed plotly, so the stylesheet always matches the script.
"""

from __future__ import annotations

import re
from functools import cache

from plotly.offline import get_plotlyjs

_START = '"X,X div":'
_RULE = re.compile(r""""([^"]+)":(?:'([^']*)'|"([^"]*)")""")


@cache
def plotly_css() -> str:
    """The CSS plotly.js would insert, with its X/Y placeholders resolved as plotly does."""
    js = get_plotlyjs()
    start = js.find(_START)
    if start < 0:
        return ""
    block = js[start : js.find("}", start)]
    rules = []
    for selector, single, double in _RULE.findall(block):
        resolved = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{resolved}{{{single or double}}}")
    return "\n".join(rules) + "\n"
