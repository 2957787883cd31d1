#!/usr/bin/env python3
"""Reduces transformers_logits.py's output to the committed test fixture.

    python3 reduce_logits.py transformers_logits.json Tests/Fixtures/native/transformers_reference.json

Keeps, per model and sequence, the generator arguments, the tokens, and for every position the
log-sum-exp of the CPU logits (the whole distribution's normaliser) and the logits at every 16th
vocabulary index, rounded to 7 significant digits; plus the measured CPU/GPU differences.
"""
import json
import math
import sys


def lse(row):
    m = max(row)
    return m + math.log(sum(math.exp(x - m) for x in row))


def main(src, dst):
    data = json.load(open(src))
    out = {"transformers": data["transformers"], "torch": data["torch"], "gpu": data["gpu"], "stride": 16, "models": {}}
    for name, entry in sorted(data["models"].items()):
        runs = []
        for run in entry["runs"]:
            rows = run["cpu_logits"]
            runs.append({
                "tokens": run["tokens"],
                "logsumexp": [float("%.7g" % lse(r)) for r in rows],
                "sampled": [[float("%.7g" % r[i]) for i in range(0, len(r), 16)] for r in rows],
                "cpu_gpu_max_abs_diff": run.get("cpu_gpu_max_abs_diff"),
            })
        out["models"][name] = {"generator_args": entry["generator_args"], "runs": runs}
    with open(dst, "w") as f:
        json.dump(out, f, sort_keys=True, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
