"""Reference for PairedComparison: reads cases as JSON on stdin, prints results as JSON.

McNemar's exact p from scipy (binomtest on the discordant pairs, two-sided); the bootstrap CI from
the algorithm docs/statistics.md specifies (SplitMix64, index = next() % n, numpy linear percentile).
"""
import json
import sys

import numpy as np
from scipy.stats import binomtest

MASK = (1 << 64) - 1


def splitmix64(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def bootstrap(diffs, iterations, seed):
    rng = splitmix64(seed)
    n = len(diffs)
    means = []
    for _ in range(iterations):
        total = 0.0
        for _ in range(n):
            total += diffs[next(rng) % n]
        means.append(total / n)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


out = []
for case in json.load(sys.stdin):
    a, b = case["a"], case["b"]
    diffs = [y - x for x, y in zip(a, b)]
    low, high = bootstrap(diffs, case["iterations"], case["seed"])
    only_a = sum(1 for x, y in zip(a, b) if x == 1 and y == 0)
    only_b = sum(1 for x, y in zip(a, b) if x == 0 and y == 1)
    n = only_a + only_b
    p = 1.0 if n == 0 else binomtest(min(only_a, only_b), n, 0.5).pvalue
    out.append({"low": low, "high": high, "p": float(p)})
json.dump(out, sys.stdout)
