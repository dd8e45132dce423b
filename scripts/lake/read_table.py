"""Reads one Delta table with delta-rs (`deltalake`) and DuckDB's delta extension and prints, as
one JSON object, what each reader sees: every row, the partitions, and the rows of one hour
(a partition filter). Used by the lake sink's integration tests and its benchmark; neither reader
was written here.

usage: read_table.py TABLE_DIR [DATE HOUR]
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


def main():
    warnings.simplefilter("ignore", DeprecationWarning)
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
    con = duckdb.connect()
    con.execute(f"SET extension_directory = '{duckdb_ext.get_extension_dir()}'")
    con.execute("LOAD delta")
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
