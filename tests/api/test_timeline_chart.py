"""The status timeline on an agreement's page, in words, with a row per status it has."""

from __future__ import annotations

import json
from datetime import date

from accords.api.charts import CONFIG, timeline_chart
from accords.registry.loader import default_agreements_dir, load_agreement


def test_the_timeline_names_its_rows_in_words_and_only_those_the_record_has() -> None:
    agreement = load_agreement(default_agreements_dir() / "gbr-rwa-2022.yaml")
    figure = json.loads(timeline_chart(agreement, date(2024, 12, 31)))
    rows = figure["layout"]["yaxis"]["categoryarray"]
    assert rows == ["signed", "in force", "ended"]  # nothing suspended: no empty row for it
    assert {y for trace in figure["data"] for y in trace["y"]} == set(rows)
    assert all("in_force" not in text for t in figure["data"] for text in t["hovertext"])
    assert CONFIG["displayModeBar"] == "hover"  # the toolbar never covers a phone's chart
