"""Converts the upstream TruthfulQA files into the Hub's row schema (truthfulqa/truthful_qa).

Usage: python truthfulqa_to_hub.py SOURCE_DIR OUT_DIR
Reads SOURCE_DIR/TruthfulQA.csv and SOURCE_DIR/mc_task.json; writes
OUT_DIR/generation/validation.jsonl (type, category, question, best_answer, correct_answers,
incorrect_answers, source) and OUT_DIR/multiple_choice/validation.jsonl (question,
mc1_targets {choices, labels}, mc2_targets {choices, labels}), rows in upstream order.
"""
import csv
import json
import os
import sys


def split_answers(text):
    return [a.strip() for a in text.split(";") if a.strip()]


def main():
    source, out = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.join(out, "generation"), exist_ok=True)
    os.makedirs(os.path.join(out, "multiple_choice"), exist_ok=True)
    with open(os.path.join(source, "TruthfulQA.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(out, "generation", "validation.jsonl"), "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps({
                "type": row["Type"], "category": row["Category"], "question": row["Question"],
                "best_answer": row["Best Answer"],
                "correct_answers": split_answers(row["Correct Answers"]),
                "incorrect_answers": split_answers(row["Incorrect Answers"]),
                "source": row["Source"],
            }, ensure_ascii=False) + "\n")
    with open(os.path.join(source, "mc_task.json"), encoding="utf-8") as f:
        mc = json.load(f)
    with open(os.path.join(out, "multiple_choice", "validation.jsonl"), "w", encoding="utf-8") as f:
        for item in mc:
            f.write(json.dumps({
                "question": item["question"],
                "mc1_targets": {"choices": list(item["mc1_targets"].keys()), "labels": list(item["mc1_targets"].values())},
                "mc2_targets": {"choices": list(item["mc2_targets"].keys()), "labels": list(item["mc2_targets"].values())},
            }, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
