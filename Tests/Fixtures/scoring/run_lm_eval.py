"""Runs lm-evaluation-harness 0.4.13 offline against the stub server and writes what it logged.

Usage: python run_lm_eval.py SPEC.json OUT.json

SPEC: {"base_url": "http://127.0.0.1:PORT", "work_dir": DIR,
       "tasks": {TASK: {"data_files": {SPLIT: PATH, ...}}},
       "runs": [{"name": str, "tasks": [TASK...], "num_fewshot": int|null, "limit": int,
                 "base_url": str (optional, instead of the top-level one), "max_length": int (optional)}],
       "batch_size": 8, "num_concurrent": 4}
Each task gets a YAML in DIR/tasks that `include:`s lm-eval's built-in YAML by absolute path and
overrides only the dataset (json files). OUT holds, per run: results, n-shot, versions and each
task's samples (doc_id, filter, arguments, resps, metric values); plus the CPU seconds spent.
"""
import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import lm_eval  # noqa: E402
from lm_eval import simple_evaluate  # noqa: E402
from lm_eval.tasks import TaskManager  # noqa: E402

BUILTIN = {
    "arc_easy": "arc/arc_easy.yaml",
    "arc_challenge": "arc/arc_challenge.yaml",
    "hellaswag": "hellaswag/hellaswag.yaml",
    "mathqa": "mathqa/mathqa.yaml",
    "truthfulqa_mc1": "truthfulqa/truthfulqa_mc1.yaml",
    "truthfulqa_mc2": "truthfulqa/truthfulqa_mc2.yaml",
    "truthfulqa_gen": "truthfulqa/truthfulqa_gen.yaml",
    "drop": "drop/default.yaml",
    "gsm8k": "gsm8k/gsm8k.yaml",
    "mmlu_abstract_algebra": "mmlu/default/mmlu_abstract_algebra.yaml",
    "mmlu_college_mathematics": "mmlu/default/mmlu_college_mathematics.yaml",
}


def write_task_yamls(spec):
    tasks_dir = os.path.join(spec["work_dir"], "lm_eval_tasks")
    os.makedirs(tasks_dir, exist_ok=True)
    root = os.path.join(os.path.dirname(lm_eval.__file__), "tasks")
    for name, task in spec["tasks"].items():
        config = {
            "include": os.path.join(root, BUILTIN[name]),
            "task": name,
            "dataset_path": "json",
            "dataset_name": None,
            "dataset_kwargs": {"data_files": task["data_files"]},
        }
        with open(os.path.join(tasks_dir, f"arena_{name}.yaml"), "w") as f:
            json.dump(config, f, indent=1)
    return tasks_dir


def plain(value):
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "item"):
        return value.item()
    return value


def main():
    spec = json.load(open(sys.argv[1]))
    tasks_dir = write_task_yamls(spec)
    manager = TaskManager(include_defaults=False, include_path=tasks_dir)
    out = {"runs": {}, "cpu_seconds": 0.0, "prompts": 0}
    for run in spec["runs"]:
        model_args = (
            f"base_url={run.get('base_url', spec['base_url'])}/v1/completions,model=stub,tokenizer_backend=remote,"
            f"tokenized_requests=True,num_concurrent={spec.get('num_concurrent', 4)},max_retries=1"
        )
        if run.get("max_length") is not None:
            model_args += f",max_length={run['max_length']}"
        started = time.process_time()
        result = simple_evaluate(
            model="local-completions", model_args=model_args, tasks=run["tasks"],
            num_fewshot=run["num_fewshot"], limit=run["limit"], batch_size=spec.get("batch_size", 8),
            log_samples=True, task_manager=manager, fewshot_random_seed=1234, torch_random_seed=None,
        )
        out["cpu_seconds"] += time.process_time() - started
        samples = {}
        for task, rows in result["samples"].items():
            kept = []
            for row in rows:
                entry = {k: plain(row[k]) for k in ("doc_id", "filter", "arguments", "resps", "filtered_resps", "target")}
                entry["metrics"] = {m: plain(row[m]) for m in row["metrics"]}
                kept.append(entry)
                out["prompts"] += len(row["arguments"]) if row["filter"] == kept[0]["filter"] else 0
            samples[task] = kept
        out["runs"][run["name"]] = {
            "results": plain(result["results"]),
            "n-shot": plain(result["n-shot"]),
            "versions": plain(result["versions"]),
            "samples": samples,
        }
    with open(sys.argv[2], "w") as f:
        json.dump(out, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
