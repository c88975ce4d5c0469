"""plotly.js's own style rules as stylesheets, for pages under a strict Content-Security-Policy.

plotly.js inserts `<style>` elements at run time: its rules (modebar, hover labels, notifier)
under the id `plotly.js-style-global`, and the map library's rules under an id of their own. A
policy that allows styles only from files or hashes blocks both (a console error, and the
modebar shows as bare buttons). plotly.js skips inserting an element whose id is already in the
page, so each page gives these rules first, as a file (or, in a self-contained report, as a
hashed inline style) under the same id. The rules are read from the installed plotly.min.js,
so they always match the script.
"""

from __future__ import annotations

import json
import re
from functools import cache

from plotly.offline import get_plotlyjs

GLOBAL_ID = "plotly.js-style-global"
_START = '"X,X div":'
_RULE = re.compile(r""""([^"]+)":(?:'([^']*)'|"([^"]*)")""")
# A block plotly.js inserts once: `if(!document.getElementById(ID)){var e=...createElement("style");
# e.id=ID,e.textContent='CSS'`.
_INSERTED = re.compile(
    r'document\.getElementById\("(?P<id>[\w.-]+)"\)\)\{var (?P<v>\w)=document\.createElement'
    r'\("style"\);(?P=v)\.id="(?P=id)",(?P=v)\.textContent=(?P<css>\'(?:[^\'\\]|\\.)*\')'
)


def _global_rules(js: str) -> str:
    start = js.find(_START)
    if start < 0:
        return ""
    block = js[start : js.find("}", start)]
    rules = []
    for selector, single, double in _RULE.findall(block):
        resolved = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{resolved}{{{single or double}}}")
    return "\n".join(rules) + "\n"


def _js_string(literal: str) -> str:
    """A single-quoted JavaScript string literal's value (its escapes are JSON's here)."""
    body = literal[1:-1].replace("\\'", "'").replace('"', '\\"')
    return str(json.loads(f'"{body}"'))


@cache
def plotly_styles() -> dict[str, str]:
    """Every style element plotly.js would insert: its id, and its CSS."""
    js = get_plotlyjs()
    styles = {GLOBAL_ID: _global_rules(js)}
    for found in _INSERTED.finditer(js):
        styles[found["id"]] = _js_string(found["css"])
    return styles
