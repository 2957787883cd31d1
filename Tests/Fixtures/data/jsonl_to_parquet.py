#!/usr/bin/env python3
"""Converts a JSON Lines file to Parquet the way the Hub's files are written (snappy, dictionary
encoding), in several row groups, and writes the rows pyarrow reads back as a JSON array.

Usage: jsonl_to_parquet.py INPUT.jsonl OUTPUT.parquet OUTPUT_ROWS.json
"""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq


def main(source, target, rows_path):
    with open(source, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    pq.write_table(pa.Table.from_pylist(rows), target, compression="snappy", row_group_size=500)
    with open(rows_path, "w", encoding="utf-8") as f:
        json.dump(pq.read_table(target).to_pylist(), f, ensure_ascii=False)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: jsonl_to_parquet.py INPUT.jsonl OUTPUT.parquet OUTPUT_ROWS.json")
    main(*sys.argv[1:])
