"""Engage at 10k, 100k and 1M survey responses: does every staff page grow linearly, or better?

    python bench/growth.py                              # SQLite: 10k, 100k, 1M (about 20 minutes)
    python bench/growth.py --sizes 10000,100000         # stop at 100k
    python bench/growth.py --postgres --sizes 10000,100000   # the same on a throwaway PostgreSQL database
    python bench/growth.py --quick                      # a smoke run: 1k and 5k, under a minute

One commission, one realistic ten-question survey (the Incubate plan-check template, so the
evaluation's indicators read it, plus four more questions: choices with "other, please say", a
ranking, an agreement scale and a number; two about-you questions, one matched to the
commission's population groups; two free-text questions), and its responses grown in place
from the smallest size to the largest. At each size it times, through the Flask test client as
a signed-in commissioner (the whole request: routing, access checks, the service, the template):

- the survey's results page, and the same page segmented by the about-you question;
- representativeness (the evaluation's indicator, one SQL GROUP BY);
- an inbox search (FTS5 on SQLite, ``tsvector`` on PostgreSQL) for a word in about 1 in 40 texts;
- the CSV export, in a child process of its own so its peak memory (``ru_maxrss`` and the
  ``tracemalloc`` peak of Python objects) is the export's alone;
- the evaluation workspace and the report's PDF (WeasyPrint), up to ``--evaluation-max``.

Each figure stands beside two references measured in the same run: a bare SQL ``GROUP BY`` of
one question's answers over the same table (what the database alone needs to read every
response once), and the same figure at the smallest size, so growth is a ratio: "linear or
better" is time(100k) / time(10k) <= 10.

How the data is built, and why the pages see what the services would have written: responses
are drawn from a pool of answer sets each cleaned by ``surveys.responses.clean_answers`` (the
submit service's own validation). The pool goes into the database once (``growth_pool``, the
answers encoded by the same ``JSON`` column type as ``survey_responses.answers``), with the inbox
items ``surveys.input_index.response_items`` (the function the submit service indexes with)
makes of each answer set (``growth_pool_items``; only the response id in ``ref`` and
``respondent_key``, and the time, are left for SQL, and the builder asserts they are spelled as
the service spells them). Each size is then grown by ``INSERT ... SELECT`` joining the drawn
response ids (``growth_picks``) to the pool, 100,000 responses a transaction, into
``survey_responses`` and ``input_items`` themselves: nothing is bypassed, so migration 0018's
triggers fill ``survey_answers`` (one row an answer, from ``json_each``) and 0006's triggers the
FTS5 index (SQLite), or the generated ``tsvector`` column (PostgreSQL), exactly as for a
submitted response. While building, the SQLite connection's page cache is 1 GB (put back after).
The only thing skipped is the ``response.submitted`` row in ``domain_events`` (the webhook
outbox), which none of the timed pages reads. 1M responses build in minutes, not hours.
``--db FILE --build-only`` builds into a file that is kept, to profile a page against.

Prints Markdown tables and writes ``bench/results/growth.json`` (``growth-postgres.json`` with
``--postgres``). See docs/performance.md.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `python bench/growth.py` puts bench/ first on the path, not the project

from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select, text  # noqa: E402

from commissioning_steps import commissions, inputs, progression, staff  # noqa: E402
from commissioning_steps.inputs import InputItem  # noqa: E402
from engage import create_app  # noqa: E402
from engage.cli import upgrade_database  # noqa: E402
from surveys import builder, input_index, lifecycle, responses  # noqa: E402
from surveys.models import Survey, SurveyResponse  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
PG_ADMIN_URL = os.environ.get("ENGAGE_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-growth-password-42"
BATCH = 100_000
#: The inbox item columns copied as they are from the pool (the rest depend on the response).
ITEM_COPIED = ("kind", "activity_kind", "activity_id", "activity_title", "step", "question_ref", "question_text",
               "text", "respondent_group", "area")
POOL = 20_000
GROUPS = [("Residents", 70), ("Carers", 20), ("Community leaders", 5)]
#: How the commissioner matched the template's about-you options to the commission's groups.
GROUP_MAPPING = {"Resident": "Residents", "Carer": "Carers", "Community leader": "Community leaders"}
SEARCH_WORD = "allotment"
WORDS = ("bus library park bench toilets café lighting pavement ramp parking garden wardens cleaner safer quieter "
         "opening hours weekend evening transport volunteers staff friendly clubs music art sport swimming walking "
         "cooking lunch dementia carers respite ramps signs maps benches shade trees play young older people "
         "work jobs training courses advice money housing repairs noise litter dogs bins cycling paths").split()


# --- the survey and its answers ----------------------------------------------------------------

EXTRA_QUESTIONS = [
    {"id": "priorities", "type": "multiple_choice", "text": "What should the service do first?",
     "options": ["Transport", "Activities in the day", "Support for carers", "Advice", "Somewhere to meet"],
     "max": 3},
    {"id": "how_heard", "type": "single_choice", "text": "How did you hear about this survey?",
     "options": ["Leaflet", "Social media", "A friend", "The library"], "other": True},
    {"id": "rank_places", "type": "ranking", "text": "Rank these places by how much you use them",
     "options": ["Library", "Park", "Community centre", "High street"]},
    {"id": "visits", "type": "number", "text": "How many times a month do you go out in the day?", "min": 0,
     "max": 60},
]


def _sentence(rnd: random.Random) -> str:
    words = rnd.choices(WORDS, k=rnd.randint(5, 14))
    if rnd.random() < 0.025:
        words.insert(rnd.randrange(len(words)), SEARCH_WORD)
    return " ".join(words).capitalize()


def _raw_answers(rnd: random.Random, survey_questions: dict) -> dict:
    groups = survey_questions["respondent_group"]["options"]
    ages = survey_questions["age_band"]["options"]
    answers = {
        "fits_needs": rnd.randint(1, 5),
        "agree_with_plan": rnd.choices(["yes", "no", "maybe"], [5, 3, 2])[0],
        "priorities": rnd.sample(EXTRA_QUESTIONS[0]["options"], rnd.randint(1, 3)),
        "how_heard": rnd.choice(["Leaflet", "Social media", "A friend", "The library", "At the bus stop"]),
        "rank_places": rnd.sample(EXTRA_QUESTIONS[2]["options"], 4),
        "visits": rnd.randint(0, 30),
    }
    if answers["agree_with_plan"] != "yes":
        answers["what_to_change"] = _sentence(rnd)
    if rnd.random() < 0.6:
        answers["missing"] = _sentence(rnd)
    if rnd.random() < 0.9:
        answers["respondent_group"] = rnd.choices(groups, ([3, 2, 4, 1] + [1] * len(groups))[:len(groups)])[0]
    if rnd.random() < 0.85:
        answers["age_band"] = rnd.choice(ages)
    return answers


class Growth:
    def __init__(self, url: str) -> None:
        self.url = url
        self.app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        with self.app.app_context():
            upgrade_database()
        self.store = self.app.extensions["engage.db"]
        from werkzeug.security import generate_password_hash

        with self.store.session(write=True) as s:
            owner = staff.create_user(s, email="growth@example.org", name="Growth", role=staff.COMMISSIONER,
                                      password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
            commission = commissions.create_commission(s, owner, commissions.CommissionInput(
                title="Day opportunities at scale", population_groups=GROUPS))
            for step in ("initiate", "investigate", "collaborate"):  # the plan check is asked at Incubate
                progression.complete_step(s, commission, step, owner, override_reason="Benchmark: steps done")
            survey = lifecycle.create_survey(s, commission, owner, lifecycle.SurveyInput(
                template="incubate_plan_check", material_text="The first plan, in full."))
            for question in EXTRA_QUESTIONS:
                builder.add_question(s, survey, question, section_id="the_plan")
            builder.set_group_mapping(s, survey, "respondent_group", GROUP_MAPPING)
            lifecycle.open_survey(s, survey)
            self.commission_id, self.survey_id = commission.id, survey.id
        with self.store.session() as s:
            self.survey = s.get(Survey, self.survey_id)
            s.expunge(self.survey)
            self.group_names = [g.name for g in s.get(commissions.Commission, self.commission_id).population_groups]
        from surveys.branching import flatten

        self.questions = {q["id"]: q for q in flatten(self.survey.definition)}
        assert len(self.questions) == 10, sorted(self.questions)
        rnd = random.Random(11)
        self.pool = [responses.clean_answers(self.survey, _raw_answers(rnd, self.questions)) for _ in range(POOL)]
        self.count = 0
        self._pool_tables()
        self.started = datetime(2026, 9, 1)
        self.client = self.app.test_client()
        signed = self.client.post("/sign-in", data={"email": "growth@example.org", "password": PASSWORD})
        assert signed.status_code in (302, 303), signed.status_code

    def _pool_tables(self) -> None:
        """The answer pool in the database, so responses are built by ``INSERT ... SELECT``.

        ``growth_pool``: each cleaned answer set, encoded by the same ``JSON`` column type as
        ``survey_responses.answers``; ``growth_pool_items``: the inbox items
        ``input_index.response_items`` makes of it (the submit service's own function), with
        only the response's id (in ``ref`` and ``respondent_key``) and time left for SQL to fill;
        ``growth_picks``: which pool entry each new response id takes, and when it was sent.
        """
        md = MetaData()
        items = InputItem.__table__.c
        self.pool_t = Table("growth_pool", md, Column("k", Integer, primary_key=True),
                            Column("answers", SurveyResponse.__table__.c.answers.type))
        self.items_t = Table("growth_pool_items", md, Column("k", Integer), Column("n", Integer),
                             *(Column(c, items[c].type) for c in ITEM_COPIED), Column("about", items.about.type),
                             Column("hidden", items.hidden.type))
        self.picks_t = Table("growth_picks", md, Column("rid", Integer, primary_key=True), Column("k", Integer),
                             Column("at", SurveyResponse.__table__.c.submitted_at.type))
        md.create_all(self.store.engine)
        pool_rows, item_rows = [], []
        for k, answers in enumerate(self.pool):
            pool_rows.append({"k": k, "answers": answers})
            probe = SimpleNamespace(id=0, answers=answers, submitted_at=None)
            for n, item in enumerate(input_index.response_items(self.survey, probe, self.group_names)):
                # what SQL rebuilds from the response id must be exactly what the service writes
                assert item.ref == f"{inputs.SURVEY_ANSWER}:0:{item.question_ref}", item.ref
                assert item.respondent_key == input_index.respondent_key(probe), item.respondent_key
                item_rows.append({"k": k, "n": n, **{c: getattr(item, c) for c in ITEM_COPIED},
                                  "about": item.about, "hidden": item.hidden})
        with self.store.engine.begin() as conn:
            conn.execute(insert(self.pool_t), pool_rows)
            conn.execute(insert(self.items_t), item_rows)
            conn.execute(text("CREATE INDEX ix_growth_pool_items_k ON growth_pool_items (k, n)"))

    def grow(self, to: int) -> float:
        """Add responses until the survey has ``to``; returns the seconds it took.

        Python only draws which pool entry each new response takes; the rows are written by
        ``INSERT ... SELECT`` in transactions of ``BATCH`` responses, so the database's own
        triggers fill ``survey_answers`` (0018) and the FTS5 index (0006) as for any insert.
        """
        rnd = random.Random(to)
        t0 = time.perf_counter()
        engine = self.store.engine
        postgres = engine.dialect.name == "postgresql"
        with engine.begin() as conn:
            first_id = (conn.scalar(select(func.max(SurveyResponse.id))) or 0) + 1
        new = to - self.count

        def picks(start: int, stop: int) -> list[dict]:  # drawn a batch at a time: 1M dicts would be 1 GB
            return [{"rid": first_id + i, "k": rnd.randrange(POOL),
                     "at": self.started + timedelta(seconds=(self.count + i) * 2)} for i in range(start, stop)]
        receipt = ("encode(sha256(convert_to('growth-' || p.rid, 'UTF8')), 'hex')" if postgres
                   else "growth_sha256('growth-' || p.rid)")
        copied = ", ".join(ITEM_COPIED)
        responses_sql = text(
            "INSERT INTO survey_responses (id, survey_id, receipt_hash, answers, survey_version, submitted_at, "
            f"updated_at) SELECT p.rid, :survey, {receipt}, g.answers, :version, p.at, p.at "
            "FROM growth_picks p JOIN growth_pool g ON g.k = p.k WHERE p.rid BETWEEN :lo AND :hi ORDER BY p.rid")
        items_sql = text(
            f"INSERT INTO input_items (commission_id, ref, respondent_key, created_at, {copied}, about, hidden) "
            f"SELECT :commission, '{inputs.SURVEY_ANSWER}:' || p.rid || ':' || i.question_ref, "
            f"'survey-response:' || p.rid, p.at, {', '.join('i.' + c for c in ITEM_COPIED)}, i.about, i.hidden "
            "FROM growth_picks p JOIN growth_pool_items i ON i.k = p.k WHERE p.rid BETWEEN :lo AND :hi "
            "ORDER BY p.rid, i.n")
        with engine.connect() as conn:
            if not postgres:
                raw = conn.connection.driver_connection
                raw.create_function("growth_sha256", 1, lambda s: hashlib.sha256(s.encode()).hexdigest(),
                                    deterministic=True)
                cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
                conn.exec_driver_sql("PRAGMA cache_size=-1000000")  # 1 GB while building; put back below
                conn.commit()
            try:
                with conn.begin():
                    conn.execute(self.picks_t.delete())
                    for at in range(0, new, BATCH):
                        conn.execute(insert(self.picks_t), picks(at, min(at + BATCH, new)))
                for lo in range(first_id, first_id + new, BATCH):
                    bounds = {"lo": lo, "hi": min(lo + BATCH, first_id + new) - 1}
                    with conn.begin():
                        conn.execute(responses_sql, {"survey": self.survey_id, "version": self.survey.version,
                                                     **bounds})
                        conn.execute(items_sql, {"commission": self.commission_id, **bounds})
            finally:
                if not postgres:
                    conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
                    conn.commit()
        self.count = to
        if postgres:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        else:
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        return time.perf_counter() - t0

    # -- what is timed ---------------------------------------------------------------------

    def page(self, path: str) -> float:
        t0 = time.perf_counter()
        response = self.client.get(path)
        body = response.get_data()
        took = time.perf_counter() - t0
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code} {body[:300]!r}")
        return took

    def reference_sql(self) -> float:
        """The database alone: one question's answers counted by value, every response read once."""
        dialect = self.store.engine.dialect.name
        group = ("json_extract(answers, '$.respondent_group')" if dialect == "sqlite"
                 else "answers ->> 'respondent_group'")
        query = text(f"SELECT {group}, COUNT(*) FROM survey_responses WHERE survey_id = :s GROUP BY 1")
        with self.store.engine.connect() as conn:
            t0 = time.perf_counter()
            rows = conn.execute(query, {"s": self.survey_id}).all()
            took = time.perf_counter() - t0
        assert sum(n for _, n in rows) == self.count
        return took

    def representativeness(self) -> float:
        from surveys import evaluation_indicators

        with self.store.session() as s:
            commission = s.get(commissions.Commission, self.commission_id)
            t0 = time.perf_counter()
            indicator = evaluation_indicators.representativeness(s, commission)
            took = time.perf_counter() - t0
        assert indicator.value is not None, indicator.display
        return took

    def csv_child(self, trace: bool) -> dict:
        path = f"/commissions/{self.commission_id}/surveys/{self.survey_id}/results.csv"
        out = subprocess.run([sys.executable, __file__, "--csv-child", self.url, path] + (["--trace"] if trace else []),
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"CSV child failed: {out.stderr[-2000:]}")
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        if figures["rows"] != self.count + 1:
            raise RuntimeError(f"CSV had {figures['rows']} lines for {self.count} responses")
        return figures


def csv_child(url: str, path: str, trace: bool) -> None:
    """Download one CSV as the server would send it, counting lines, in a process of its own."""
    app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    client = app.test_client()
    client.post("/sign-in", data={"email": "growth@example.org", "password": PASSWORD})
    # A forked child starts with its parent's high-water mark (ru_maxrss), so the peak is read from
    # /proc/self/status after resetting it (Linux: "5" to clear_refs resets VmHWM to the current RSS).
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    baseline_rss = _vm("VmHWM")
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    response = client.get(path, buffered=False)
    assert response.status_code == 200, response.status_code
    size = lines = 0
    tail = b""
    for chunk in response.response:
        data = chunk if isinstance(chunk, bytes) else chunk.encode()
        size += len(data)
        lines += (tail + data[:1]).count(b"\r\n") + data.count(b"\r\n")  # a line end split between chunks too
        tail = data[-1:]
    response.close()
    took = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    print(json.dumps({"seconds": took, "bytes": size, "rows": lines, "tracemalloc_peak_mb": peak and peak / 2**20,
                      "maxrss_mb": _vm("VmHWM"), "baseline_rss_mb": baseline_rss}))


def _vm(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024


def median_of(repeats: int, fn) -> float:
    return statistics.median(fn() for _ in range(repeats))


def measure(g: Growth, size: int, repeats: int, evaluation: bool) -> dict:
    cid, sid = g.commission_id, g.survey_id
    results = f"/commissions/{cid}/surveys/{sid}/results"
    figures: dict = {"responses": size}
    with g.store.engine.connect() as conn:
        figures["input_items"] = conn.scalar(select(func.count()).select_from(InputItem.__table__))
    g.page(results)  # warm: templates compiled, pages cached by the database
    figures["reference_sql_s"] = median_of(repeats, g.reference_sql)
    figures["results_page_s"] = median_of(repeats, lambda: g.page(results))
    figures["segmented_page_s"] = median_of(repeats, lambda: g.page(results + "?by=respondent_group"))
    figures["representativeness_s"] = median_of(repeats, g.representativeness)
    figures["inbox_search_s"] = median_of(repeats, lambda: g.page(f"/commissions/{cid}/inputs?q={SEARCH_WORD}"))
    timed = g.csv_child(trace=False)
    traced = g.csv_child(trace=True)
    figures.update(csv_s=timed["seconds"], csv_bytes=timed["bytes"], csv_maxrss_mb=round(timed["maxrss_mb"], 1),
                   csv_rss_before_mb=round(timed["baseline_rss_mb"], 1),
                   csv_tracemalloc_peak_mb=round(traced["tracemalloc_peak_mb"], 2))
    if evaluation:
        figures["evaluation_workspace_s"] = median_of(repeats, lambda: g.page(f"/commissions/{cid}/evaluation/workspace"))
        figures["evaluation_pdf_s"] = median_of(max(1, repeats - 1), lambda: g.page(f"/commissions/{cid}/evaluation.pdf"))
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}


TIMED = ["results_page_s", "segmented_page_s", "representativeness_s", "inbox_search_s", "csv_s",
         "evaluation_workspace_s", "evaluation_pdf_s"]


def report(runs: list[dict], database: str) -> str:
    base = runs[0]
    lines = [f"### {database}", "",
             "| responses | build s | bare SQL GROUP BY s | " + " | ".join(t[:-2].replace("_", " ") + " s" for t in TIMED)
             + " | CSV peak RSS MB (tracemalloc MB) |",
             "|---:" * (4 + len(TIMED)) + "|"]
    for run in runs:
        cells = [f"{run['responses']:,}", f"{run['build_s']:.0f}", f"{run['reference_sql_s']:.3f}"]
        for key in TIMED:
            if key not in run:
                cells.append("not run")
                continue
            ratio = run[key] / base[key] if base is not run and base.get(key) else None
            cells.append(f"{run[key]:.3f}" + (f" (×{ratio:.1f})" if ratio else ""))
        cells.append(f"{run['csv_maxrss_mb']} ({run['csv_tracemalloc_peak_mb']})")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"(×N: the time over the {base['responses']:,} figure in the same run; the bare SQL reference "
                  f"grows ×{runs[-1]['reference_sql_s'] / base['reference_sql_s']:.1f} over the same range.)"]
    return "\n".join(lines)


@contextlib.contextmanager
def database(postgres: bool, keep: Path | None = None):
    if keep is not None:  # a file that outlives the run, to profile a page against (--db)
        yield f"sqlite:///{keep}"
        return
    if not postgres:
        with tempfile.TemporaryDirectory(prefix="engage-growth-") as tmp:
            yield f"sqlite:///{tmp}/growth.sqlite3"
        return
    import psycopg

    name = f"engage_growth_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--evaluation-max", type=int, default=100_000,
                        help="time the evaluation and its PDF up to this many responses")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--quick", action="store_true", help="1k and 5k responses: a smoke run")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--db", type=Path, help="build into this new SQLite file and keep it (for profiling)")
    parser.add_argument("--build-only", action="store_true", help="build the sizes, time nothing")
    parser.add_argument("--csv-child", nargs=2, metavar=("URL", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.csv_child:
        csv_child(*args.csv_child, trace=args.trace)
        return
    sizes = [1_000, 5_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    from run import machine_facts  # bench/run.py: the same machine facts as every other benchmark

    facts = {**machine_facts(), "load_average_before": os.getloadavg(),
             "command": "python bench/growth.py " + " ".join(sys.argv[1:])}
    runs = []
    with database(args.postgres, args.db) as url:
        g = Growth(url)
        try:
            for size in sizes:
                build = g.grow(size)
                print(f"built {size:,} responses in {build:.0f} s", file=sys.stderr, flush=True)
                if args.build_only:
                    continue
                run = {"build_s": round(build, 1), **measure(g, size, 3 if size < 1_000_000 else 1,
                                                            size <= args.evaluation_max)}
                run["load_average"] = os.getloadavg()
                runs.append(run)
                print(json.dumps(run), file=sys.stderr, flush=True)
                _write(args, facts, runs)  # after every size: a run stopped at 1M keeps what it measured
        finally:
            g.store.engine.dispose()
    if not args.build_only:
        print(_write(args, facts, runs))


def _write(args, facts: dict, runs: list[dict]) -> str:
    facts["load_average_after"] = os.getloadavg()
    db_name = "PostgreSQL" if args.postgres else "SQLite (WAL)"
    table = report(runs, db_name)
    out = args.out or RESULTS_DIR / ("growth-postgres.json" if args.postgres else "growth.json")
    out.write_text(json.dumps({"machine": facts, "database": db_name, "runs": runs, "table": table}, indent=2) + "\n")
    return f"{table}\n\nwrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}"


if __name__ == "__main__":
    main()
