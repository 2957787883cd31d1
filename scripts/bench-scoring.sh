#!/usr/bin/env bash
# CPU time per scored prompt: lm-eval 0.4.13 (local-completions, batch 8, num_concurrent=4) and the
# native scorer (`arena-bench scoring`, same batch and concurrency), on the same documents against the
# same stub server (Tests/Fixtures/scoring/stub_server.py). Python: $ARENA_TEST_PYTHON or .venv-test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=${ARENA_TEST_PYTHON:-$root/.venv-test/bin/python}
limit=${LIMIT:-60}
work=$(mktemp -d)
port=$((20000 + RANDOM % 30000))
"$py" Tests/Fixtures/scoring/stub_server.py "$port" 3600 > "$work/stub.log" 2>&1 &
stub=$!
trap 'kill "$stub" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q ready "$work/stub.log" && break; sleep 0.1; done
"$py" Tests/Fixtures/scoring/truthfulqa_to_hub.py ../shared/data/truthfulqa "$work/truthfulqa"
"$py" - "$work" "$port" "$limit" "$root" <<'PY'
import json, os, sys
work, port, limit, root = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fx = os.path.join(root, "Tests/Fixtures/tasks")
data = os.path.abspath(os.path.join(root, "..", "shared", "data"))
def fixture(task, splits):
    return {"data_files": {s: os.path.join(fx, task, s + ".jsonl") for s in splits}}
tasks = {
    "arc_easy": fixture("arc_easy", ["test", "train"]), "hellaswag": fixture("hellaswag", ["validation", "train"]),
    "mathqa": fixture("mathqa", ["test", "train"]), "drop": fixture("drop", ["validation", "train"]),
    "mmlu_abstract_algebra": fixture("mmlu_abstract_algebra", ["test", "dev"]),
    "gsm8k": {"data_files": {"test": os.path.join(data, "gsm8k/test.jsonl"), "train": os.path.join(data, "gsm8k/train.jsonl")}},
    "truthfulqa_mc1": {"data_files": {"validation": os.path.join(work, "truthfulqa/multiple_choice/validation.jsonl")}},
    "truthfulqa_mc2": {"data_files": {"validation": os.path.join(work, "truthfulqa/multiple_choice/validation.jsonl")}},
}
spec = {"base_url": f"http://127.0.0.1:{port}", "work_dir": work, "tasks": tasks, "batch_size": 8, "num_concurrent": 4,
        "runs": [{"name": "zero", "tasks": sorted(t for t in tasks if t != "gsm8k"), "num_fewshot": 0, "limit": limit},
                 {"name": "gsm8k", "tasks": ["gsm8k"], "num_fewshot": None, "limit": limit}]}
json.dump(spec, open(os.path.join(work, "spec.json"), "w"))
PY
HF_HOME="$work/hf" "$py" Tests/Fixtures/scoring/run_lm_eval.py "$work/spec.json" "$work/lm_eval.json" > "$work/lm_eval.log" 2>&1
"$py" -c "import json,sys; o=json.load(open(sys.argv[1])); print(f\"lm-eval 0.4.13: {o['prompts']} prompts, CPU {o['cpu_seconds']:.3f} s, {o['cpu_seconds']/o['prompts']*1e6:.1f} µs CPU per prompt\")" "$work/lm_eval.json"
swift build -c release --product arena-bench > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
.build/release/arena-bench scoring "$work/spec.json" 3
