"""Scale: the transaction pipeline inside DuckDB, 1 million to 100 million transactions.

Run: ``python benchmarks/bench_scale.py [--sizes 1e6 1e7 1e8] [--dir PATH]`` (default: 1e6, so
``make bench`` stays short). For each size, in separate processes (so each peak RSS is its
own):

1. ``gen``: N synthetic transactions (one third as many customers, two lines per order,
   each customer active over a window of her own) generated in chunks inside an on-disk
   DuckDB database (never in pandas).
2. ``sql``: the anchor, hand-written DuckDB SQL for the customer summary, RFM scores with
   segments and ABC tiers, each written back as a table.
3. ``crmmine``: crmmine's pipeline on the DuckDB table: ``customer_summary``, ``rfm_scores``,
   ``rfm_segments``, ``abc_tiers``, ``BGNBD.fit``, ``p_alive`` and 52-week
   ``expected_purchases``, every result written back as a table.

DuckDB runs with ``memory_limit='3GB'`` and 2 threads in both. Targets (issue 12): crmmine's
whole pipeline within 2x of the SQL's time, peak RSS of the crmmine process at most 5 GB.
The parent checks that both give the same summary, scores and tiers, and prints a table of
time and memory per size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = "2021-12-31"
SETTINGS = "SET memory_limit='3GB'; SET threads=2; SET preserve_insertion_order=false;"
CHUNK = 10_000_000


def _connect(db: str):
    import duckdb

    con = duckdb.connect(db)
    con.execute(SETTINGS + f"SET temp_directory='{Path(db).parent / 'spill'}';")
    return con


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def generate(db: str, n: int) -> dict:
    """N transactions, inserted in chunks of 10 million rows, all inside DuckDB."""
    con = _connect(db)
    customers = max(int(n * 0.56), 1)  # about one customer seen per three lines (as in issue 12)
    con.execute("""
        create or replace table tx (customer_id BIGINT, order_id BIGINT, date TIMESTAMP, amount DOUBLE)
    """)
    start = time.perf_counter()
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        con.execute(f"""
        insert into tx
        with lines as (
            select range as i, range // 2 as o, hash(range // 2 * 3 + 1) % {customers} as c
            from range({lo}, {hi})),
        span as (
            select *, hash(c * 5 + 2) % 600 as first_day,
                   hash(c * 7 + 3) % (730 - hash(c * 5 + 2) % 600) as active_days
            from lines)
        select c, o,
               timestamp '2020-01-01'
                 + to_days(cast(first_day + hash(o * 11 + 4) % (active_days + 1) as integer))
                 + to_seconds(cast(hash(o * 13 + 5) % 86400 as bigint)),
               round(1 + (hash(i * 17 + 6) % 20000) / 100.0, 2)
        from span
        """)
    seconds = time.perf_counter() - start
    stats = con.execute("select count(*), count(distinct customer_id) from tx").fetchone()
    con.close()
    return {"seconds": seconds, "rows": stats[0], "customers": stats[1], "peak_mb": _peak_mb()}


SQL_SUMMARY = f"""
create or replace table sql_summary as
with days as (
    select customer_id, date_trunc('day', date) as day, sum(amount) as amt
    from tx group by customer_id, date_trunc('day', date)),
c as (
    select customer_id, min(day) as first_purchase, max(day) as last_purchase, count(*) as orders,
           sum(amt) as monetary
    from days group by customer_id),
f as (
    select d.customer_id, sum(d.amt) as first_total
    from days d join c using (customer_id) where d.day = c.first_purchase group by d.customer_id)
select customer_id, first_purchase, last_purchase, orders, orders - 1 as frequency,
       date_diff('day', first_purchase, last_purchase) / 7.0 as recency,
       date_diff('day', first_purchase, timestamp '{AS_OF}') / 7.0 as T,
       date_diff('day', last_purchase, timestamp '{AS_OF}') / 7.0 as since_last,
       date_diff('day', first_purchase, timestamp '{AS_OF}') as tenure_days,
       monetary, monetary / orders as monetary_mean,
       case when orders > 1 then (monetary - first_total) / (orders - 1) else 0 end as repeat_monetary_mean
from c join f using (customer_id)
"""

SQL_RFM = """
create or replace table sql_rfm as
with s as (select customer_id, since_last, orders, monetary, count(*) over () as n from sql_summary),
r as (
    select customer_id,
           1 + (5 * (rank() over (order by -since_last) - 1)) // n as R,
           1 + (5 * (rank() over (order by orders) - 1)) // n as F,
           1 + (5 * (rank() over (order by monetary) - 1)) // n as M
    from s)
select customer_id, R, F, M, R || F || M as rfm_code, R + F + M as rfm_score,
       case when R = 5 and F >= 4 then 'Champions'
            when R between 3 and 4 and F >= 4 then 'Loyal customers'
            when R >= 4 and F between 2 and 3 then 'Potential loyalists'
            when R = 5 and F = 1 then 'New customers'
            when R = 4 and F = 1 then 'Promising'
            when R = 3 and F = 3 then 'Need attention'
            when R = 3 and F <= 2 then 'About to sleep'
            when R <= 2 and F = 5 then 'Can''t lose them'
            when R <= 2 and F between 3 and 4 then 'At risk'
            when R <= 2 and F <= 2 then 'Hibernating'
            else 'Other' end as segment
from r
"""

SQL_ABC = """
create or replace table sql_abc as
with t as (select sum(greatest(monetary, 0)) as total from sql_summary),
w as (
    select customer_id, monetary,
           rank() over (order by monetary desc) as rank,
           sum(greatest(monetary, 0)) over (order by monetary desc) as held
    from sql_summary)
select customer_id, monetary as value, rank, held / total as cumulative_share,
       case when monetary <= 0 then 'C'
            when (held - greatest(monetary, 0)) / total < 0.8 then 'A'
            when (held - greatest(monetary, 0)) / total < 0.95 then 'B'
            else 'C' end as tier
from w, t
"""


def run_sql(db: str) -> dict:
    con = _connect(db)
    times = {}
    for name, sql in (("summary", SQL_SUMMARY), ("rfm", SQL_RFM), ("abc", SQL_ABC)):
        start = time.perf_counter()
        con.execute(sql)
        times[name] = time.perf_counter() - start
    con.close()
    return {"times": times, "seconds": sum(times.values()), "peak_mb": _peak_mb()}


def run_crmmine(db: str) -> dict:
    import warnings

    import crmmine as cm
    from crmmine.segmentation import abc_tiers, rfm_scores, rfm_segments
    from crmmine.value import BGNBD

    con = _connect(db)
    times: dict[str, float] = {}

    def step(name, make, table):
        start = time.perf_counter()
        rel = make()
        con.execute(f"drop table if exists {table}")
        rel.create(table)
        times[name] = time.perf_counter() - start

    step("summary", lambda: cm.customer_summary(con.table("tx"), as_of=AS_OF, time_unit="W", count="days"),
         "cm_summary")
    summary = con.table("cm_summary")
    step("rfm_scores", lambda: rfm_scores(summary), "cm_rfm")
    step("rfm_segments", lambda: rfm_segments(con.table("cm_rfm")), "cm_segments")
    step("abc_tiers", lambda: abc_tiers(summary), "cm_abc")
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = BGNBD(time_unit="W").fit(summary)
    times["bgnbd_fit"] = time.perf_counter() - start
    step("p_alive", lambda: model.p_alive(summary), "cm_p_alive")
    step("expected_52w", lambda: model.expected_purchases(summary, 52), "cm_expected")
    con.close()
    return {"times": times, "seconds": sum(times.values()), "peak_mb": _peak_mb(),
            "distinct_rows": model.n_rows_compressed_, "customers": model.n_obs_,
            "params": model.params_.round(4).to_dict(), "warnings": [str(w.message)[:120] for w in caught]}


def agreement(db: str) -> dict:
    """Do crmmine and the SQL agree (same summary, RFM scores, segments and ABC tiers)?"""
    con = _connect(db)
    q = lambda sql: con.execute(sql).fetchone()  # noqa: E731
    n = q("select count(*) from sql_summary")[0]
    same = {
        "customers": (q("select count(*) from cm_summary")[0], n),
        "summary": q("""select count(*) from sql_summary s join cm_summary c using (customer_id)
                        where s.frequency = c.frequency and abs(s.T - c.T) < 1e-9
                          and abs(s.monetary - c.monetary) <= 1e-9 * abs(s.monetary)""")[0],
        "rfm": q("""select count(*) from sql_rfm s join cm_rfm c using (customer_id)
                    where s.R = c.R and s.F = c.F and s.M = c.M""")[0],
        "segments": q("select count(*) from sql_rfm s join cm_segments c using (customer_id) "
                      "where s.segment = c.segment")[0],
        "abc": q("select count(*) from sql_abc s join cm_abc c using (customer_id) where s.tier = c.tier")[0],
    }
    con.close()
    return {"n": n, **{k: v for k, v in same.items()}}


def child(mode: str, db: str, n: int) -> None:
    result = {"gen": lambda: generate(db, n), "sql": lambda: run_sql(db), "crmmine": lambda: run_crmmine(db),
              "agree": lambda: agreement(db)}[mode]()
    print("RESULT " + json.dumps(result, default=str))


def _run(mode: str, db: str, n: int) -> dict:
    env = dict(os.environ)
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--db", db, "--n", str(n)],
                         capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    line = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", default=["1e6"])
    parser.add_argument("--dir", default=None, help="where the DuckDB files go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the database files")
    parser.add_argument("--child", default=None)
    parser.add_argument("--db", default=None)
    parser.add_argument("--n", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.n)
        return
    import platform

    import duckdb

    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, DuckDB {duckdb.__version__}; "
          f"load average {os.getloadavg()[0]:.2f}; DuckDB memory_limit 3GB, 2 threads")
    root = Path(args.dir or tempfile.mkdtemp(prefix="crmmine_scale_"))
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        n = int(float(size))
        folder = root / f"n{n}"
        folder.mkdir(exist_ok=True)
        (folder / "spill").mkdir(exist_ok=True)
        db = str(folder / "tx.duckdb")
        gen = _run("gen", db, n)
        print(f"\n{n:,} transactions, {gen['customers']:,} customers: generated in DuckDB in "
              f"{gen['seconds']:.1f} s (load {os.getloadavg()[0]:.2f})")
        sql = _run("sql", db, n)
        print("  DuckDB SQL:  " + ", ".join(f"{k} {v:.1f} s" for k, v in sql["times"].items())
              + f"; total {sql['seconds']:.1f} s, peak RSS {sql['peak_mb']:,.0f} MB")
        ours = _run("crmmine", db, n)
        print("  crmmine:     " + ", ".join(f"{k} {v:.1f} s" for k, v in ours["times"].items())
              + f"; total {ours['seconds']:.1f} s, peak RSS {ours['peak_mb']:,.0f} MB")
        print(f"  BG/NBD fitted on {ours['distinct_rows']:,} distinct rows for {ours['customers']:,.0f} "
              f"customers: {ours['params']}")
        for w in ours["warnings"]:
            print(f"  warning: {w}")
        agree = _run("agree", db, n)
        total = agree["n"]
        shares = ", ".join(f"{k} {v / total:.4%}" for k, v in agree.items() if k not in ("n", "customers"))
        print(f"  agreement with the SQL ({total:,} customers; crmmine/SQL customers "
              f"{agree['customers']}): same {shares}")
        ratio = ours["seconds"] / sql["seconds"]
        print(f"  ratio crmmine / SQL {ratio:.2f} (target <= 2; crmmine also fits BG/NBD and predicts), "
              f"crmmine peak RSS {ours['peak_mb'] / 1024:.2f} GB (target <= 5)")
        rows.append((n, gen["customers"], sql["seconds"], ours["seconds"], ratio, sql["peak_mb"],
                     ours["peak_mb"], ours["distinct_rows"]))
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print("\n| transactions | customers | SQL s | crmmine s | ratio | SQL peak RSS MB | crmmine peak RSS MB "
          "| BG/NBD distinct rows |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, c, s, o, r, sm, om, d in rows:
        print(f"| {n:,} | {c:,} | {s:.1f} | {o:.1f} | {r:.2f} | {sm:,.0f} | {om:,.0f} | {d:,} |")
    if args.dir is None and not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
