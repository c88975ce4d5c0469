"""The agreements page: search box, sortable columns without script, names for codes; /docs."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from webhelpers import listed_ids


def test_search_box_ranks_and_says_where_it_matched(client: TestClient) -> None:
    html = client.get("/agreements", params={"q": "El Salvador"}).text
    assert listed_ids(html)[0] == "usa-slv-2025"
    assert '<span class="where">parties:</span> El Salvador (SLV)' in html
    assert 'value="El Salvador"' in html
    assert listed_ids(client.get("/agreements", params={"q": "Türkiye"}).text) == ["eu-tur-2016"]
    none = client.get("/agreements", params={"q": "nosuchwordanywhere"}).text
    assert listed_ids(none) == [] and "No agreement matches" in none


def test_columns_sort_by_plain_links_both_ways(client: TestClient) -> None:
    html = client.get("/agreements", params={"receiver": "SLV"}).text
    assert 'href="/agreements?receiver=SLV&amp;sort=kind"' in html
    ascending = listed_ids(client.get("/agreements", params={"sort": "agreement"}).text)
    descending = listed_ids(client.get("/agreements", params={"sort": "-agreement"}).text)
    assert ascending == descending[::-1] and len(ascending) >= 20
    sorted_html = client.get("/agreements", params={"sort": "kind"}).text
    assert 'aria-sort="ascending"' in sorted_html and 'href="/agreements?sort=-kind"' in sorted_html
    assert client.get("/agreements", params={"sort": "nonsense"}).status_code == 422


def test_filters_take_country_names(client: TestClient) -> None:
    by_name = client.get("/api/agreements", params={"receiver": "El Salvador"}).json()
    assert [a["id"] for a in by_name["agreements"]] == ["usa-slv-2025"]
    assert listed_ids(client.get("/agreements", params={"receiver": "El Salvador"}).text) == [
        "usa-slv-2025"
    ]
    bad = client.get("/api/agreements", params={"receiver": "Korea"})
    assert bad.status_code == 422 and "KOR" in bad.json()["detail"]


def test_pages_show_words_with_codes_in_tooltips(client: TestClient) -> None:
    html = client.get("/agreements/usa-slv-2025").text
    assert (
        '<span class="coded" title="code: detention_outsourcing">detention outsourcing</span>'
        in html
    )
    assert 'title="code: in_force">in force</span>' in html
    compare = client.get("/compare", params={"ids": ["usa-slv-2025", "gbr-rwa-2022"]}).text
    assert "legal form" in compare and "legal_form" not in compare
    assert "offshore_processing" not in compare
    check = client.get("/check").text
    assert ">United States – El Salvador arrangement" in check


def test_api_docs_are_served_offline(client: TestClient) -> None:
    html = client.get("/docs").text
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert "/docs/assets/swagger-ui-bundle.js" in scripts
    assert all(s.startswith(("/", "http://testserver/")) for s in scripts)
    assert "<script>" not in html and " style=" not in html
    asset = client.get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200
    assert 'href="/docs"' in client.get("/").text
