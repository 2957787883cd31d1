"""Writes the quickstart's small offline task files (original text, in the seed tasks' row formats).

    python3 experiments/data/make_quickstart_data.py experiments/data

ARC-format rows (id, question, choices{text,label}, answerKey) and GSM8K-format rows (question,
answer ending in '#### N'), from fixed templates and a fixed seed, so the files are reproducible.
"""
import json
import random
import sys
from pathlib import Path

NAMES = ["Ava", "Ben", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana", "Ivo", "Jun", "Kemal", "Lina"]
ITEMS = ["apples", "pencils", "marbles", "stickers", "books", "shells", "coins", "cards"]

SCIENCE = [
    ("Which of these is a source of light?", ["the Sun", "the Moon", "a mirror", "a rock"], 0),
    ("What do plants need to make their food?", ["sunlight", "sand", "salt", "smoke"], 0),
    ("Which state of matter has a fixed shape?", ["gas", "liquid", "solid", "steam"], 2),
    ("What force pulls objects toward Earth?", ["magnetism", "friction", "gravity", "wind"], 2),
    ("Which animal is a mammal?", ["shark", "frog", "whale", "snake"], 2),
    ("What happens to water when it freezes?", ["it boils", "it becomes ice", "it becomes air", "it disappears"], 1),
    ("Which tool measures temperature?", ["a ruler", "a scale", "a thermometer", "a compass"], 2),
    ("What is the main gas that plants take in?", ["oxygen", "carbon dioxide", "helium", "neon"], 1),
    ("Which of these is a renewable resource?", ["coal", "oil", "wind", "natural gas"], 2),
    ("Where does a seed usually grow into a plant?", ["in soil", "in a cloud", "in glass", "in metal"], 0),
    ("Which body part pumps blood?", ["the lungs", "the heart", "the stomach", "the brain"], 1),
    ("What makes a shadow?", ["light being blocked", "sound waves", "heat rising", "water flowing"], 0),
    ("Which planet is closest to the Sun?", ["Mars", "Venus", "Mercury", "Earth"], 2),
    ("What do magnets attract?", ["wood", "iron", "plastic", "paper"], 1),
    ("Which season usually has the longest days?", ["winter", "autumn", "spring", "summer"], 3),
    ("What is rain made of?", ["water", "dust", "sugar", "ash"], 0),
    ("Which of these conducts electricity best?", ["rubber", "copper", "wood", "glass"], 1),
    ("What covers most of Earth's surface?", ["ice", "forest", "water", "desert"], 2),
    ("Which sense do ears give us?", ["sight", "hearing", "taste", "touch"], 1),
    ("What does a caterpillar become?", ["a bird", "a butterfly", "a spider", "a fish"], 1),
]


def arc_rows(items, prefix):
    rows = []
    for i, (question, choices, answer) in enumerate(items):
        labels = ["A", "B", "C", "D"]
        rows.append({"id": f"{prefix}-{i:03d}", "question": question,
                     "choices": {"text": choices, "label": labels}, "answerKey": labels[answer]})
    return rows


def gsm_rows(rng, count):
    rows = []
    for _ in range(count):
        name, other = rng.sample(NAMES, 2)
        item = rng.choice(ITEMS)
        a, b, c = rng.randint(3, 40), rng.randint(2, 25), rng.randint(1, 9)
        total = a + b
        final = total * c
        question = (f"{name} has {a} {item}. {other} gives {name} {b} more {item}. "
                    f"{name} then buys {c} times as many {item} as {name} has now. "
                    f"How many {item} did {name} buy?")
        answer = (f"{name} has {a} + {b} = <<{a}+{b}={total}>>{total} {item}.\n"
                  f"{name} buys {total} * {c} = <<{total}*{c}={final}>>{final} {item}.\n#### {final}")
        rows.append({"question": question, "answer": answer})
    return rows


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "science_qa_test.jsonl", arc_rows(SCIENCE[:12], "test"))
    write_jsonl(out / "science_qa_train.jsonl", arc_rows(SCIENCE[12:], "train"))
    rng = random.Random(20261126)
    write_jsonl(out / "word_math_test.jsonl", gsm_rows(rng, 10))
    write_jsonl(out / "word_math_train.jsonl", gsm_rows(rng, 8))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "experiments/data")
