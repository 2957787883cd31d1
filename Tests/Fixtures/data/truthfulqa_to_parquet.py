#!/usr/bin/env python3
"""Writes TruthfulQA's mc_task.json in the layout of the Hub's truthfulqa/truthful_qa
`multiple_choice` config (question, mc1_targets and mc2_targets as {choices: [...], labels: [...]},
targets in upstream order), the way `datasets` writes Parquet (snappy, dictionary encoding), and
the rows pyarrow reads back as a JSON array.

Usage: truthfulqa_to_parquet.py MC_TASK.json OUTPUT.parquet OUTPUT_ROWS.json
"""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq

TARGETS = pa.struct([("choices", pa.list_(pa.string())), ("labels", pa.list_(pa.int32()))])
SCHEMA = pa.schema([("question", pa.string()), ("mc1_targets", TARGETS), ("mc2_targets", TARGETS)])


def targets(mapping):
    return {"choices": list(mapping.keys()), "labels": list(mapping.values())}


def main(source, target, rows_path):
    with open(source, encoding="utf-8") as f:
        items = json.load(f)
    rows = [{"question": item["question"], "mc1_targets": targets(item["mc1_targets"]),
             "mc2_targets": targets(item["mc2_targets"])} for item in items]
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), target, compression="snappy", row_group_size=300)
    with open(rows_path, "w", encoding="utf-8") as f:
        json.dump(pq.read_table(target).to_pylist(), f, ensure_ascii=False)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: truthfulqa_to_parquet.py MC_TASK.json OUTPUT.parquet OUTPUT_ROWS.json")
    main(*sys.argv[1:])
