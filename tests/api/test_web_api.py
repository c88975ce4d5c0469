"""The JSON API against the real app: the CLI's JSON shapes, problem documents and limits."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from webhelpers import SMALL_RUN, small_settings, wait_for_run, wait_until_idle

import accords
from accords.api import create_app
from accords.store import RunStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROBLEM = "application/problem+json"
US_CITIZEN = {
    "id": "p1",
    "present_in": "USA",
    "citizenships": ["USA"],
    "age": 34,
    "serving_sentence": True,
    "criminal_conviction": True,
}


def assert_problem(response, status: int, field: str | None = None) -> dict:
    """An RFC 9457 problem document with this status (and first offending field)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert body["detail"]
    if field is not None:
        assert body["field"] == field, body
        assert any(e["field"] == field for e in body["errors"])
    return body


class TestAgreements:
    def test_list_is_the_cli_list(self, client: TestClient, invoke) -> None:
        api = client.get("/api/agreements", params={"on": "2025-06-01"}).json()
        cli = json.loads(invoke("agreements", "list", "--on", "2025-06-01", "--json").stdout)
        assert api == cli

    def test_list_filters(self, client: TestClient) -> None:
        rows = client.get(
            "/api/agreements", params={"sender": "usa", "receiver": "SLV", "on": "2025-06-01"}
        ).json()["agreements"]
        assert [r["id"] for r in rows] == ["usa-slv-2025"]
        by_kind = client.get("/api/agreements", params={"kind": "safe_third_country"}).json()
        assert by_kind["agreements"]
        assert {r["kind"] for r in by_kind["agreements"]} == {"safe_third_country"}
        in_force = client.get(
            "/api/agreements", params={"status": "in_force", "on": "2025-06-01"}
        ).json()["agreements"]
        assert "usa-slv-2025" in {r["id"] for r in in_force}
        assert {r["status"] for r in in_force} == {"in_force"}
        before = client.get(
            "/api/agreements", params={"status": "in_force", "on": "2000-01-01"}
        ).json()["agreements"]
        assert "usa-slv-2025" not in {r["id"] for r in before}

    def test_bad_filter_is_a_problem_naming_the_field(self, client: TestClient) -> None:
        assert_problem(client.get("/api/agreements", params={"kind": "treaty"}), 422, "kind")
        assert_problem(client.get("/api/agreements", params={"on": "2025-13-01"}), 422, "on")

    def test_show_is_the_cli_show(self, client: TestClient, invoke) -> None:
        api = client.get(
            "/api/agreements/usa-slv-2025", params={"as_known_on": "2025-02-03"}
        ).json()
        cli = invoke("agreements", "show", "usa-slv-2025", "--as-known-on", "2025-02-03", "--json")
        assert api == json.loads(cli.stdout)
        assert api["view"]["hidden_facts"] > 0

    def test_changes_to_before_from_is_a_problem_naming_to(self, client: TestClient) -> None:
        """The JSON API and the page word the rule alike (one function says it)."""
        query = {"from": "2025-03-01", "to": "2025-02-01"}
        api = client.get("/api/agreements/usa-slv-2025/changes", params=query)
        body = assert_problem(api, 422, "to")
        assert body["detail"] == "'to' (2025-02-01) is before 'from' (2025-03-01)"
        page = client.get("/agreements/usa-slv-2025/changes", params=query)
        assert page.status_code == 422 and "is before &#39;from&#39;" in page.text

    def test_show_on_a_day(self, client: TestClient) -> None:
        body = client.get("/api/agreements/usa-slv-2025", params={"on": "2025-06-01"}).json()
        assert body["view"]["on"] == "2025-06-01"
        assert body["view"]["status"] == "in_force"

    def test_unknown_agreement_is_404_with_a_suggestion(self, client: TestClient) -> None:
        body = assert_problem(client.get("/api/agreements/usa-slv-2024"), 404)
        assert "usa-slv-2025" in body["detail"]
        assert body["type"] == "/problems/not-found"
        assert body["instance"] == "/api/agreements/usa-slv-2024"

    def test_timeline(self, client: TestClient, invoke) -> None:
        api = client.get("/api/agreements/gbr-rwa-2022/timeline").json()
        cli = json.loads(invoke("agreements", "timeline", "gbr-rwa-2022", "--json").stdout)
        assert api["agreement"] == cli["agreement"]
        assert [c["status"] for c in api["agreement"]["status"]][-1] == "ended"

    def test_compare_is_the_cli_compare(self, client: TestClient, invoke) -> None:
        ids = ["usa-slv-2025", "gbr-rwa-2022"]
        api = client.get("/api/compare", params={"ids": ids, "on": "2024-01-01"}).json()
        cli = invoke("agreements", "compare", *ids, "--on", "2024-01-01", "--json")
        assert api == json.loads(cli.stdout)

    def test_compare_needs_two_known_ids(self, client: TestClient) -> None:
        assert_problem(client.get("/api/compare", params={"ids": ["usa-slv-2025"]}), 422, "ids")
        assert_problem(
            client.get("/api/compare", params={"ids": ["usa-slv-2025", "nope"]}), 422, "ids"
        )

    @pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
    def test_export_downloads(self, client: TestClient, fmt: str) -> None:
        response = client.get("/api/export", params={"format": fmt})
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        registry = accords.load_registry()
        if fmt == "csv":
            frame = pl.read_csv(io.BytesIO(response.content))
        elif fmt == "parquet":
            frame = pl.read_parquet(io.BytesIO(response.content))
        else:
            payload = response.json()
            frame = pl.DataFrame(payload["agreements"])
            assert len(payload["facts"]) > len(registry)
        assert sorted(frame["id"].to_list()) == sorted(registry.ids)

    def test_export_facts_table_keeps_sources(self, client: TestClient) -> None:
        response = client.get("/api/export", params={"format": "parquet", "table": "facts"})
        facts = pl.read_parquet(io.BytesIO(response.content))
        assert facts["source_url"].null_count() == 0
        assert facts["quote"].null_count() == 0


class TestCheck:
    def test_check_is_the_cli_check(self, client: TestClient, invoke) -> None:
        person = EXAMPLES / "us-citizen-serving-sentence.yaml"
        cli = json.loads(invoke("check", person, "--date", "2025-04-01", "--json").stdout)
        body = accords.validation.read_document(person).data
        api = client.post("/api/check", params={"date": "2025-04-01"}, json=body)
        assert api.status_code == 200
        assert api.json() == cli

    def test_us_citizen_is_barred_as_citizen_of_sender(self, client: TestClient) -> None:
        body = client.post(
            "/api/check",
            params={"date": "2025-04-01", "agreement": ["usa-slv-2025"]},
            json=US_CITIZEN,
        ).json()
        [result] = body["results"]
        assert result["agreement"] == "usa-slv-2025"
        assert result["verdict"] == "barred"
        reason = next(r for r in result["reasons"] if r["code"] == "citizen_of_sender")
        assert reason["citation"]["label"]

    def test_invalid_person_names_the_field(self, client: TestClient) -> None:
        bad = {**US_CITIZEN, "citizenships": ["XYZ"]}
        body = assert_problem(client.post("/api/check", json=bad), 422, "citizenships[0]")
        assert body["errors"][0]["location"] == "body"
        assert "alpha-3" in body["errors"][0]["message"]
        assert_problem(client.post("/api/check", json={**US_CITIZEN, "colour": "x"}), 422, "colour")
        assert_problem(client.post("/api/check", json={"id": "p"}), 422, "present_in")

    def test_unparsable_body_is_a_problem(self, client: TestClient) -> None:
        response = client.post(
            "/api/check", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert_problem(response, 422)

    def test_unknown_agreement_is_a_problem(self, client: TestClient) -> None:
        response = client.post("/api/check", params={"agreement": "nope"}, json=US_CITIZEN)
        assert_problem(response, 422, "agreement")


class TestEvaluate:
    def test_csv_to_json_matches_the_python_api(self, client: TestClient) -> None:
        csv = (EXAMPLES / "population.csv").read_bytes()
        response = client.post(
            "/api/evaluate",
            params={"date": "2025-04-01"},
            files={"population": ("population.csv", csv, "text/csv")},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        expected = accords.evaluate(EXAMPLES / "population.csv", date=date(2025, 4, 1))
        assert body["cases"] == expected.height
        got = {(r["person_id"], r["agreement"]): r["verdict"] for r in body["verdicts"]}
        want = {
            (r["person_id"], r["agreement"]): r["verdict"]
            for r in expected.select("person_id", "agreement", "verdict").to_dicts()
        }
        assert got == want
        assert sum(c["count"] for c in body["counts"]) == body["cases"]

    def test_parquet_in_parquet_out(self, client: TestClient) -> None:
        frame = pl.read_csv(EXAMPLES / "population.csv", infer_schema=False)
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        response = client.post(
            "/api/evaluate",
            params={"date": "2025-04-01", "format": "parquet", "agreement": ["usa-slv-2025"]},
            files={"population": ("people.parquet", buffer.getvalue(), "application/octet-stream")},
        )
        assert response.status_code == 200, response.text
        verdicts = pl.read_parquet(io.BytesIO(response.content))
        assert set(verdicts["agreement"].to_list()) == {"usa-slv-2025"}
        expected = accords.evaluate(
            EXAMPLES / "population.csv", date=date(2025, 4, 1), agreements=["usa-slv-2025"]
        )
        assert verdicts.sort("person_id")["verdict"].to_list() == (
            expected.sort("person_id")["verdict"].to_list()
        )
        assert verdicts.columns[:4] == ["person_id", "agreement", "verdict", "reasons"]

    def test_bad_population_names_column_and_row(self, client: TestClient) -> None:
        csv = b"id,present_in,citizenship\ns1,USA,USA\n"
        response = client.post("/api/evaluate", files={"population": ("p.csv", csv, "text/csv")})
        body = assert_problem(response, 422, "citizenship")
        assert "citizenships" in (body["errors"][0]["hint"] or "")
        bad_age = b"id,present_in,age\ns1,USA,old\n"
        body = assert_problem(
            client.post("/api/evaluate", files={"population": ("p.csv", bad_age, "text/csv")}),
            422,
            "age",
        )
        assert body["errors"][0]["line"] == 2

    def test_not_a_population_file(self, client: TestClient) -> None:
        response = client.post(
            "/api/evaluate", files={"population": ("p.txt", b"hello", "text/plain")}
        )
        assert_problem(response, 415)
        broken = client.post(
            "/api/evaluate", files={"population": ("p.parquet", b"not parquet", "x/y")}
        )
        assert_problem(broken, 422)

    def test_row_limit_is_413(self, client: TestClient) -> None:
        rows = "\n".join(f"s{i},USA" for i in range(51))
        response = client.post(
            "/api/evaluate",
            files={"population": ("p.csv", f"id,present_in\n{rows}\n".encode(), "text/csv")},
        )
        body = assert_problem(response, 413)
        assert "max_population_rows" in body["detail"]

    def test_body_limit_is_413(self, client: TestClient) -> None:
        big = b"id,present_in\n" + b"x" * 1_100_000
        response = client.post("/api/evaluate", files={"population": ("p.csv", big, "text/csv")})
        body = assert_problem(response, 413)
        assert "max_body_bytes" in body["detail"]


class TestSimulations:
    def test_start_follow_and_read_a_run(self, client: TestClient) -> None:
        wait_until_idle(client)
        response = client.post("/api/simulations", params=SMALL_RUN)
        assert response.status_code == 202, response.text
        run = response.json()
        assert response.headers["location"] == f"/api/simulations/{run['id']}"
        assert run["status"] == "running"
        assert run["source"] == "api"
        assert (run["replicas"], run["seed"]) == (2, 7)
        record = wait_for_run(client, run["id"])
        assert record["status"] == "done", record["error"]
        assert record["progress_done"] == record["progress_total"] == 2
        assert "ASSUMPTION" in record["scenario_yaml"]  # the default's comments are kept

        summary = client.get(f"/api/simulations/{run['id']}/summary").json()
        assert summary["replicas"] == 2 and summary["seed"] == 7
        assert summary["horizon_months"] == 6
        assert summary["population"]["persons"] == 2000

        monthly = client.get(f"/api/simulations/{run['id']}/monthly")
        frame = pl.read_parquet(io.BytesIO(monthly.content))
        assert frame.columns == ["replica", "month", "date", "series", "key", "value"]
        assert set(frame["replica"].unique().to_list()) == {0, 1}

        report = client.get(f"/api/simulations/{run['id']}/report")
        assert report.headers["content-type"].startswith("text/html")
        assert "attachment" in report.headers["content-disposition"]
        assert "Plotly.newPlot" in report.text

        listed = client.get("/api/simulations").json()
        assert run["id"] in [r["id"] for r in listed]

    def test_same_seed_same_summary_as_python(self, client: TestClient) -> None:
        wait_until_idle(client)
        run = client.post("/api/simulations", params=SMALL_RUN).json()
        assert wait_for_run(client, run["id"])["status"] == "done"
        api = client.get(f"/api/simulations/{run['id']}/summary").json()
        scenario = accords.simulation.scenario.load_scenario()
        data = scenario.model_dump(mode="json")
        data["population"]["synthetic"]["size"] = 2000
        data["horizon_months"] = 6
        local = accords.simulate(
            accords.simulation.scenario.Scenario.model_validate(data), replicas=2, seed=7
        )
        assert api["totals"] == json.loads(json.dumps(local.summary["totals"]))

    def test_scenario_body_yaml_and_json(self, client: TestClient) -> None:
        wait_until_idle(client)
        yaml_text = (
            "name: tiny\nsender: USA\nstart: 2025-03\nhorizon_months: 3\n"
            "population:\n  synthetic:\n    size: 500\n    nationalities: {SLV: 1.0}\n"
            "agreements:\n  - id: usa-slv-2025\nreplicas: 1\n"
        )
        response = client.post(
            "/api/simulations", content=yaml_text, headers={"content-type": "application/yaml"}
        )
        assert response.status_code == 202, response.text
        record = wait_for_run(client, response.json()["id"])
        assert record["status"] == "done" and record["scenario_name"] == "tiny"
        scenario = {
            "name": "tiny-json",
            "sender": "USA",
            "start": "2025-03",
            "horizon_months": 2,
            "population": {"synthetic": {"size": 300, "nationalities": {"SLV": 1.0}}},
            "replicas": 1,
        }
        response = client.post("/api/simulations", json=scenario)
        assert response.status_code == 202, response.text
        assert wait_for_run(client, response.json()["id"])["scenario_name"] == "tiny-json"

    def test_invalid_scenarios_are_problems_with_lines(self, client: TestClient) -> None:
        broken = "name: x\nsender: USA\nstart: 2025-03\nhorizon_months: [\n"
        body = assert_problem(
            client.post(
                "/api/simulations", content=broken, headers={"content-type": "application/yaml"}
            ),
            422,
        )
        assert body["errors"][0]["line"] is not None
        wrong = "name: x\nsender: USA\nstart: 2025-03\nhorizon_months: 2\nreplicaz: 1\n"
        body = assert_problem(client.post("/api/simulations", content=wrong), 422, "population")
        fields = {e["field"] for e in body["errors"]}
        assert "replicaz" in fields
        unknown = {
            "name": "x",
            "sender": "USA",
            "start": "2025-03",
            "horizon_months": 2,
            "population": {"synthetic": {"size": 10, "nationalities": {"SLV": 1}}},
            "agreements": [{"id": "usa-slv-2024"}],
            "replicas": 1,
        }
        body = assert_problem(
            client.post("/api/simulations", json=unknown), 422, "agreements[0].id"
        )
        assert "usa-slv-2025" in body["detail"]

    def test_server_files_are_refused(self, client: TestClient) -> None:
        scenario = {
            "name": "x",
            "sender": "USA",
            "start": "2025-03",
            "horizon_months": 2,
            "population": {"file": "/etc/passwd.csv"},
        }
        assert_problem(client.post("/api/simulations", json=scenario), 422, "population.file")

    def test_the_runners_levers_in_the_query(self, client: TestClient) -> None:
        """The levers the form offers, per agreement (`total_transfers[usa-slv-2025]`) and
        for the courts and records, change the scenario run, as the form's do."""
        wait_until_idle(client)
        levers = {
            "total_transfers[usa-slv-2025]": 20,
            "transfers_per_period[usa-gtm-2025]": "5/2",
            "price_per_person_year[usa-slv-2025]": "30000 USD 2025",
            "ends[usa-col-2025]": "2025-05-31",
            "share_challenged": 0,
            "citizen_recorded_as_noncitizen": 0.5,
        }
        response = client.post("/api/simulations", params={**SMALL_RUN, **levers})
        assert response.status_code == 202, response.text
        record = wait_for_run(client, response.json()["id"])
        assert record["status"] == "done", record["error"]
        expected = accords.simulation.scenario.Overrides(
            **SMALL_RUN,  # type: ignore[arg-type]
            terms=(
                ("usa-slv-2025", "total_transfers", 20),
                ("usa-gtm-2025", "transfers_per_period", {"people": 5, "months": 2}),
                (
                    "usa-slv-2025",
                    "price_per_person_year",
                    {"amount": 30000, "currency": "USD", "price_year": 2025},
                ),
                ("usa-col-2025", "ends", "2025-05-31"),
            ),
            values=(
                ("pipeline.share_challenged", 0.0),
                ("record_errors.citizen_recorded_as_noncitizen", 0.5),
            ),
        ).apply(accords.simulation.scenario.load_scenario())
        assert record["scenario_hash"] == expected.digest()  # what ran is what was asked
        summary = client.get(f"/api/simulations/{record['id']}/summary").json()
        assert summary["totals"]["transfers[usa-slv-2025]"]["p95"] == 20
        assert summary["totals"]["transfers[usa-gtm-2025]"]["p95"] <= 15  # 5 in each 2 months

    @pytest.mark.parametrize(
        ("query", "field", "words"),
        [
            ({"places[usa-slv-2025]": "five"}, "places[usa-slv-2025]", "expected a whole number"),
            ({"places": "5"}, "places", "give it per agreement"),
            ({"batch_size[usa-slv-2025]": "0"}, "batch_size[usa-slv-2025]", "1 or more"),
            ({"renewed[usa-slv-2025]": "yes"}, "renewed[usa-slv-2025]", "true or false"),
            ({"ends[usa-slv-2025]": "next week"}, "ends[usa-slv-2025]", "YYYY-MM-DD"),
            (
                {"transfers_per_period[usa-slv-2025]": "5/0"},
                "transfers_per_period[usa-slv-2025]",
                "people/months with 1 to 600 months",
            ),
            (
                {"price_per_transfer[usa-slv-2025]": "500 dollars"},
                "price_per_transfer[usa-slv-2025]",
                "as 30000 USD 2025",
            ),
            ({"places[gbr-rwa-2022]": "5"}, "places[gbr-rwa-2022]", "not among the agreements"),
            ({"share_challenged": "1.5"}, "share_challenged", "less than or equal to 1"),
            (
                {"in_force_from[usa-slv-2025]": "2025-06-01", "ends[usa-slv-2025]": "2025-05-01"},
                "agreements[0]",
                "'ends' must come after 'in_force_from'",
            ),
        ],
    )
    def test_a_bad_lever_in_the_query_is_named(
        self, client: TestClient, query: dict[str, str], field: str, words: str
    ) -> None:
        body = assert_problem(client.post("/api/simulations", params=query), 422, field)
        assert words in body["errors"][0]["message"], body

    def test_the_levers_are_in_the_schema(self, client: TestClient) -> None:
        operation = client.get("/openapi.json").json()["paths"]["/api/simulations"]["post"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        places = parameters["places"]
        assert (places["style"], places["explode"]) == ("deepObject", True)
        assert "usa-slv-2025" in places["schema"]["propertyNames"]["enum"]
        assert places["schema"]["additionalProperties"] == {"type": "integer", "minimum": 0}
        assert parameters["share_challenged"]["schema"]["maximum"] == 1
        for name in ("total_transfers", "transfers_per_period", "batch_size", "renewed",
                     "in_force_from", "ends", "price_per_person_year", "price_per_transfer",
                     "months_to_final_order", "court_block_probability", "court_delay_months",
                     "protection_dropped"):
            assert parameters[name]["description"], name

    def test_limits(self, client: TestClient) -> None:
        body = assert_problem(
            client.post("/api/simulations", params={**SMALL_RUN, "replicas": 4}), 422, "replicas"
        )
        assert body["type"] == "/problems/limit-exceeded"
        assert "max_replicas" in body["detail"]
        assert_problem(
            client.post("/api/simulations", params={**SMALL_RUN, "size": 3001}),
            422,
            "population.synthetic.size",
        )
        assert_problem(
            client.post("/api/simulations", params={**SMALL_RUN, "horizon_months": 13}),
            422,
            "horizon_months",
        )
        # The default scenario (100,000 persons, 10 replicas) is over this app's limits.
        assert_problem(client.post("/api/simulations"), 422)
        assert_problem(client.post("/api/simulations", params={"replicas": 0}), 422, "replicas")

    def test_one_run_too_many_is_429(self, client: TestClient) -> None:
        wait_until_idle(client)
        first = client.post("/api/simulations", params={**SMALL_RUN, "size": 3000, "replicas": 3})
        assert first.status_code == 202
        second = client.post("/api/simulations", params=SMALL_RUN)
        body = assert_problem(second, 429)
        assert second.headers["retry-after"]
        assert "max_concurrent_runs" in body["detail"]
        assert wait_for_run(client, first.json()["id"])["status"] == "done"

    def test_results_of_an_unfinished_run_are_409(self, client: TestClient, tmp_path) -> None:
        app = create_app(small_settings(tmp_path / "runs.duckdb"))
        store = RunStore(tmp_path / "runs.duckdb")
        # A run recorded by this (live) process and never completed: it stays running.
        run_id = store.create(accords.simulation.scenario.load_scenario(), source="cli")
        with TestClient(app) as other:
            assert other.get(f"/api/simulations/{run_id}").json()["status"] == "running"
            for part in ("summary", "monthly", "report"):
                assert_problem(other.get(f"/api/simulations/{run_id}/{part}"), 409)
            store.fail(run_id, "stopped by the test")
            body = assert_problem(other.get(f"/api/simulations/{run_id}/summary"), 409)
            assert "stopped by the test" in body["detail"]

    def test_unknown_run_is_404(self, client: TestClient) -> None:
        assert_problem(client.get("/api/simulations/20250101-000000-abcdef"), 404)
        body = assert_problem(client.get("/api/simulations/nope/summary"), 404)
        assert "runs.duckdb" not in body["detail"]


class TestServer:
    def test_openapi_documents_problems(self, client: TestClient) -> None:
        schema = client.get("/openapi.json").json()
        paths = schema["paths"]
        for path in (
            "/api/agreements",
            "/api/agreements/{agreement_id}",
            "/api/agreements/{agreement_id}/timeline",
            "/api/compare",
            "/api/export",
            "/api/check",
            "/api/evaluate",
            "/api/simulations",
            "/api/simulations/{run_id}",
            "/api/simulations/{run_id}/summary",
            "/api/simulations/{run_id}/monthly",
            "/api/simulations/{run_id}/report",
        ):
            assert path in paths
        check_422 = paths["/api/check"]["post"]["responses"]["422"]
        assert PROBLEM in check_422["content"]
        assert "429" in paths["/api/simulations"]["post"]["responses"]
        assert not any(p.startswith("/agreements") for p in paths)  # pages are not API

    def test_offline_assets(self, client: TestClient) -> None:
        favicon = client.get("/favicon.ico")
        assert favicon.status_code == 200 and favicon.headers["content-type"] == "image/x-icon"
        plotly = client.get("/static/plotly.min.js")
        assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
        docs = client.get("/docs")  # Swagger UI from the package's files, never a CDN
        assert docs.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in docs.text
        assert "cdn" not in docs.text.lower()

    def test_problem_types_are_documented(self, client: TestClient) -> None:
        page = client.get("/problems/limit-exceeded")
        assert page.status_code == 200 and "Limit exceeded" in page.text
        assert client.get("/problems/none").status_code == 404

    def test_settings_from_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from accords.api import Settings

        monkeypatch.setenv("ACCORDS_API_MAX_REPLICAS", "5")
        assert Settings.from_env().max_replicas == 5
        monkeypatch.setenv("ACCORDS_API_MAX_REPLICAS", "many")
        with pytest.raises(ValueError, match="ACCORDS_API_MAX_REPLICAS"):
            Settings.from_env()
