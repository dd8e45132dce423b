"""Reads one Delta table with delta-rs (`deltalake`) and DuckDB's delta extension and prints, as
one JSON object, what each reader sees: every row, the partitions, and the rows of one hour
(a partition filter). Used by the lake sink's integration tests and its benchmark; neither reader
was written here.

usage: read_table.py TABLE_DIR [DATE HOUR]
       read_table.py --time-hour TABLE_DIR DATE HOUR [PARQUET_GLOB]
         (only times DuckDB reading one hour: from the Delta table, and from plain Parquet files
         matching PARQUET_GLOB for comparison)
"""
import datetime
import json
import sys
import time
import warnings

import duckdb
import duckdb_ext
from deltalake import DeltaTable


def cell(v):
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v


def rows_of(names, tuples):
    return [{n: cell(v) for n, v in zip(names, t)} for t in tuples]


def duckdb_con():
    con = duckdb.connect()
    con.execute(f"SET extension_directory = '{duckdb_ext.get_extension_dir()}'")
    con.execute("LOAD delta")
    return con


def timed(con, sql, args, rounds=5):
    best = None
    for _ in range(rounds):
        started = time.perf_counter()
        rows = con.execute(sql, args).fetchall()
        ms = (time.perf_counter() - started) * 1000
        best = ms if best is None else min(best, ms)
    return {"ms": best, "rows": rows[0][0]}


def time_hour(root, date, hour, glob):
    con = duckdb_con()
    out = {
        "delta": timed(
            con,
            "SELECT count(*), avg(temperature) FROM delta_scan(?) "
            "WHERE date = CAST(? AS DATE) AND hour = ?",
            [root, date, hour],
        )
    }
    if glob:
        out["parquet"] = timed(
            con,
            "SELECT count(*), avg(temperature) FROM read_parquet(?, hive_partitioning = true) "
            "WHERE date = CAST(? AS DATE) AND hour = ?",
            [glob, date, hour],
        )
    json.dump(out, sys.stdout)


def main():
    warnings.simplefilter("ignore", DeprecationWarning)
    if sys.argv[1] == "--time-hour":
        time_hour(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
        return
    root = sys.argv[1]
    out = {}
    table = DeltaTable(root)
    data = table.to_pyarrow_table()
    out["deltars"] = {
        "version": table.version(),
        "files": len(table.file_uris()),
        "columns": data.column_names,
        "rows": [{k: cell(v) for k, v in r.items()} for r in data.to_pylist()],
    }
    con = duckdb_con()
    rel = con.execute("SELECT * FROM delta_scan(?)", [root])
    names = [d[0] for d in rel.description]
    out["duckdb"] = {"rows": rows_of(names, rel.fetchall())}
    if len(sys.argv) >= 4:
        date, hour = sys.argv[2], int(sys.argv[3])
        filt = [("date", "=", date), ("hour", "=", str(hour))]
        typed = [("date", "=", datetime.date.fromisoformat(date)), ("hour", "=", hour)]
        hour_rows = table.to_pyarrow_table(filters=typed).to_pylist()
        out["deltars"]["hour"] = [{k: cell(v) for k, v in r.items()} for r in hour_rows]
        out["deltars"]["hourFiles"] = len(table.file_uris(partition_filters=filt))
        started = time.perf_counter()
        rel = con.execute(
            "SELECT * FROM delta_scan(?) WHERE date = CAST(? AS DATE) AND hour = ?",
            [root, date, hour],
        )
        names = [d[0] for d in rel.description]
        out["duckdb"]["hour"] = rows_of(names, rel.fetchall())
        out["duckdb"]["hourMs"] = (time.perf_counter() - started) * 1000
    json.dump(out, sys.stdout)


main()
