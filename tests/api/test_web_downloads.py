"""`.json` and `.csv` beside every page: each round-trips to what the page shows."""

from __future__ import annotations

import io

import polars as pl
from fastapi.testclient import TestClient
from webhelpers import SMALL_RUN, listed_ids, wait_for_run, wait_until_idle

from accords.registry.export import FACT_COLUMNS


def _csv(client: TestClient, url: str) -> pl.DataFrame:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return pl.read_csv(io.BytesIO(response.content), infer_schema=False)


def _page_ids(client: TestClient, url: str) -> list[str]:
    return listed_ids(client.get(url).text)


def test_agreements_csv_and_json_hold_the_rows_of_the_filtered_page(client: TestClient) -> None:
    for query in (
        "",
        "?receiver=SLV",
        "?kind=offshore_processing&on=2023-01-01",
        "?sender=USA&status=in_force&on=2025-06-01",
    ):
        shown = _page_ids(client, f"/agreements{query}")
        listed = client.get(f"/agreements.json{query}").json()
        table = _csv(client, f"/agreements.csv{query}")
        assert [r["id"] for r in listed["agreements"]] == shown == table["id"].to_list()
        as_text = [
            {k: (None if v is None else str(v)) for k, v in row.items()}
            for row in listed["agreements"]
        ]
        assert table.to_dicts() == as_text
        assert query == "" or shown != _page_ids(client, "/agreements")


def test_the_agreements_page_links_its_own_filtered_downloads(client: TestClient) -> None:
    html = client.get("/agreements?receiver=SLV&kind=detention_outsourcing").text
    assert 'href="/agreements.csv?receiver=SLV&amp;kind=detention_outsourcing"' in html
    assert 'href="/agreements.json?receiver=SLV&amp;kind=detention_outsourcing"' in html


def test_one_agreement_as_json_and_its_facts_as_csv(client: TestClient) -> None:
    whole = client.get("/agreements/usa-slv-2025.json").json()
    assert whole == client.get("/api/agreements/usa-slv-2025").json()
    known = client.get("/agreements/usa-slv-2025.json?as_known_on=2025-02-05").json()
    assert known["view"]["as_known_on"] == "2025-02-05" and known["view"]["hidden_facts"] > 0
    facts = _csv(client, "/agreements/usa-slv-2025/facts.csv")
    assert facts.columns == list(FACT_COLUMNS)
    assert set(facts["agreement"]) == {"usa-slv-2025"}
    assert facts["source_url"].str.starts_with("http").all()
    assert facts["quote"].str.len_chars().min() > 0
    early = _csv(client, "/agreements/usa-slv-2025/facts.csv?as_known_on=2025-02-05")
    assert 0 < early.height < facts.height
    page = client.get("/agreements/usa-slv-2025?as_known_on=2025-02-05").text
    assert 'href="/agreements/usa-slv-2025/facts.csv?as_known_on=2025-02-05"' in page
    assert 'href="/agreements/usa-slv-2025.json?as_known_on=2025-02-05"' in page


def test_compare_json_is_the_api_comparison(client: TestClient) -> None:
    query = "ids=usa-slv-2025&ids=gbr-rwa-2022&on=2024-01-01"
    assert client.get(f"/compare.json?{query}").json() == client.get(f"/api/compare?{query}").json()
    assert (
        f'href="/compare.json?{query.replace("&", "&amp;")}"'
        in client.get(f"/compare?{query}").text
    )


def test_compare_csv_holds_the_comparison_term_by_term(client: TestClient) -> None:
    query = "ids=usa-slv-2025&ids=gbr-rwa-2022&on=2024-01-01"
    compared = client.get(f"/api/compare?{query}").json()
    table = _csv(client, f"/compare.csv?{query}")
    assert table.columns == ["term", "usa-slv-2025", "gbr-rwa-2022"]
    assert table["term"].to_list() == [r["field"] for r in compared["rows"]]
    status = next(r["values"] for r in compared["rows"] if r["field"] == "status")
    assert table.filter(pl.col("term") == "status").row(0)[1:] == tuple(map(str, status))
    assert (
        f'href="/compare.csv?{query.replace("&", "&amp;")}"' in client.get(f"/compare?{query}").text
    )


def test_data_files_answer_errors_as_problem_documents(client: TestClient) -> None:
    missing = client.get("/agreements/usa-slv-2052.json")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    bad = client.get("/agreements.csv?kind=nonsense")
    assert bad.status_code == 422 and "kind" in bad.json()["detail"]


def test_a_runs_summary_json_and_monthly_csv(client: TestClient) -> None:
    wait_until_idle(client)
    run = client.post("/api/simulations", params=SMALL_RUN).json()
    assert wait_for_run(client, run["id"])["status"] == "done"
    summary = client.get(f"/runs/{run['id']}/summary.json").json()
    assert summary == client.get(f"/api/simulations/{run['id']}/summary").json()
    monthly = _csv(client, f"/runs/{run['id']}/monthly.csv")
    parquet = pl.read_parquet(
        io.BytesIO(client.get(f"/api/simulations/{run['id']}/monthly").content)
    )
    assert monthly.columns == parquet.columns and monthly.height == parquet.height
    assert monthly["series"].to_list() == parquet["series"].to_list()
    page = client.get(f"/runs/{run['id']}").text
    assert f'href="/runs/{run["id"]}/monthly.csv"' in page
    assert f'href="/runs/{run["id"]}/summary.json"' in page


def test_the_runs_list_and_a_comparison_of_two_runs_as_csv_and_json(client: TestClient) -> None:
    wait_until_idle(client)
    ids = []
    for seed in (1, 2):
        run = client.post("/api/simulations", params={**SMALL_RUN, "seed": seed}).json()
        assert wait_for_run(client, run["id"])["status"] == "done"
        ids.append(run["id"])
    listed = _csv(client, "/runs.csv")
    assert set(ids) <= set(listed["id"].to_list())
    assert listed["id"].to_list() == [r["id"] for r in client.get("/api/simulations").json()]
    assert 'href="/runs.csv"' in client.get("/runs").text
    a, b = ids
    compared = client.get(f"/runs/compare.json?a={a}&b={b}").json()
    assert compared["a"] == a and compared["b"] == b and compared["rows"]
    table = _csv(client, f"/runs/compare.csv?a={a}&b={b}")
    assert table["key"].to_list() == [r["key"] for r in compared["rows"]]
    assert table["figure"].to_list() == [r["label"] for r in compared["rows"]]
    first = compared["rows"][0]
    assert float(table["a_p50"][0]) == first["a"]["p50"]
    assert float(table["b_p95"][0]) == first["b"]["p95"]
    assert float(table["change_of_median"][0]) == first["change"]
    page = client.get(f"/runs/compare?a={a}&b={b}").text
    assert f'href="/runs/compare.csv?a={a}&amp;b={b}"' in page
    missing = client.get(f"/runs/compare.csv?a={a}&b=20250101-000000-abcdef")
    assert missing.status_code == 404
