"""Reference values for arena-script's metric functions, computed by lm-eval 0.4.13's own code.

Usage: python reference.py CORPUS_JSON SHARED_DATA_DIR > reference.json

Reads the hand-written corpus (corpus.json beside this file) and the real GSM8K and TruthfulQA
files, runs lm-eval's gsm8k filters and exact_match, DROP's utils, truthfulqa_gen's utils
(sacrebleu, rouge_score) and the mean / mean_stderr aggregations, and prints every input with its
result as JSON. The Swift tests run the same inputs through arena-script and compare.
"""
import csv
import importlib.util
import json
import os
import random
import re
import sys

import numpy as np
import regex as regex_module
from scipy.stats import binom

import lm_eval
import yaml
from lm_eval.api.metrics import exact_match_hf_evaluate, mean, mean_stderr
from lm_eval.filters.extraction import RegexFilter
from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International

TASKS = os.path.join(os.path.dirname(lm_eval.__file__), "tasks")


def load_task_module(task, name):
    path = os.path.join(TASKS, task, name)
    spec = importlib.util.spec_from_file_location(f"{task}_{name[:-3]}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


drop = load_task_module("drop", "utils.py")
truthfulqa = load_task_module("truthfulqa", "utils.py")
with open(os.path.join(TASKS, "gsm8k", "gsm8k.yaml")) as f:
    GSM8K = yaml.safe_load(f)


def gsm8k_filter(name):
    spec = next(item for item in GSM8K["filter_list"] if item["name"] == name)
    regex = spec["filter"][0]
    assert regex["function"] == "regex" and spec["filter"][1]["function"] == "take_first"
    return RegexFilter(regex_pattern=regex["regex_pattern"], group_select=regex.get("group_select", 0))


STRICT = gsm8k_filter("strict-match")
FLEXIBLE = gsm8k_filter("flexible-extract")
EM_ARGS = next(m for m in GSM8K["metric_list"] if m["metric"] == "exact_match")


def apply_filter(f, response):
    return list(f.apply([[response]], [None]))[0][0]


def exact_match(prediction, reference, ignore_case, ignore_punctuation, regexes):
    result = exact_match_hf_evaluate(predictions=[prediction], references=[reference], regexes_to_ignore=regexes,
                                     ignore_case=ignore_case, ignore_punctuation=ignore_punctuation)
    return float(result["exact_match"])


def gsm8k_case(response, reference):
    strict = apply_filter(STRICT, response)
    flexible = apply_filter(FLEXIBLE, response)
    em = lambda p: exact_match(p, reference, EM_ARGS["ignore_case"], EM_ARGS["ignore_punctuation"],
                               EM_ARGS["regexes_to_ignore"])
    return {"response": response, "reference": reference, "strict": strict, "flexible": flexible,
            "strict_em": em(strict), "flexible_em": em(flexible)}


def findall(pattern, text):
    return [list(m) if isinstance(m, tuple) else [m] for m in re.findall(pattern, text)]


def python_float(text):
    try:
        return str(float(text))
    except ValueError:
        return None


def truthfulqa_case(completion, correct, incorrect):
    doc = truthfulqa.preprocess_function({"question": "q", "correct_answers": correct, "incorrect_answers": incorrect})
    metrics = truthfulqa.process_results_gen(doc, [completion])
    return {"completion": completion, "correct": correct, "incorrect": incorrect,
            "formatted_correct": doc["correct_answers"], "formatted_incorrect": doc["incorrect_answers"],
            "metrics": {k: float(v) for k, v in metrics.items()}}


def main():
    corpus_path, data_dir = sys.argv[1], sys.argv[2]
    with open(corpus_path, encoding="utf-8") as f:
        corpus = json.load(f)
    out = {}

    with open(os.path.join(data_dir, "gsm8k", "test.jsonl"), encoding="utf-8") as f:
        gsm8k_answers = [json.loads(line)["answer"] for line in f if line.strip()]
    reference = gsm8k_answers[0]
    out["gsm8k_responses"] = [gsm8k_case(r, reference) for r in corpus["gsm8k_responses"]]
    # Every real reference answer as the model's response, scored against itself and its neighbour.
    out["gsm8k_test_answers"] = [gsm8k_case(a, gsm8k_answers[(i + 1) % len(gsm8k_answers)] if i % 7 == 0 else a)
                                 for i, a in enumerate(gsm8k_answers)]

    out["exact_match"] = [dict(c, result=exact_match(c["prediction"], c["reference"], c["ignore_case"],
                                                     c["ignore_punctuation"], c["regexes"]))
                          for c in corpus["exact_match"]]
    out["regex"] = [dict(c, sub=re.sub(c["pattern"], "", c["text"]), findall=findall(c["pattern"], c["text"]),
                         split=re.split(c["pattern"], c["text"]) if re.compile(c["pattern"]).groups == 0 else None)
                    for c in corpus["regex"]]
    accepted = []
    for pattern in corpus["regex_errors"]:
        try:
            re.compile(pattern)
            accepted.append(pattern)
        except re.error:
            pass
    out["regex_accepted_by_python"] = accepted

    out["drop_normalize"] = [{"text": t, "normalized": drop._normalize(t)} for t in corpus["drop_normalize"]]
    out["drop_scores"] = []
    for c in corpus["drop_scores"]:
        result = drop.process_results({"answers": [tuple(g) for g in c["golds"]]}, [c["prediction"]])
        out["drop_scores"].append(dict(c, em=float(result["em"]), f1=float(result["f1"])))
    out["drop_multi"] = []
    for c in corpus["drop_multi"]:
        em, f1 = drop.get_metrics(c["predicted"], c["gold"])
        out["drop_multi"].append(dict(c, em=float(em), f1=float(f1)))
    out["drop_docs"] = [{"doc": d, "golds": [list(a) for a in drop.get_answers(d)]} for d in corpus["drop_docs"]]

    tokenizer = TokenizerV14International()
    out["bleu"] = [dict(c, score=float(truthfulqa.bleu([[c["reference"]]], [c["hypothesis"]])),
                        hypothesis_tokens=tokenizer(c["hypothesis"].rstrip()),
                        reference_tokens=tokenizer(c["reference"].rstrip()))
                   for c in corpus["bleu"]]

    cases = [truthfulqa_case(c["completion"], c["correct"], c["incorrect"]) for c in corpus["truthfulqa"]]
    with open(os.path.join(data_dir, "truthfulqa", "TruthfulQA.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))[:12]
    for row in rows:
        correct = row["Correct Answers"].split("; ")
        incorrect = row["Incorrect Answers"].split("; ")
        for completion in (row["Best Answer"], row["Best Incorrect Answer"], row["Question"]):
            cases.append(truthfulqa_case(completion, correct, incorrect))
    out["truthfulqa"] = cases

    out["aggregation"] = [{"values": v, "mean": mean(v), "stderr": mean_stderr(v) if len(v) > 1 else None}
                          for v in corpus["aggregation"]]
    out["python_float"] = [{"text": t, "str": python_float(t)} for t in corpus["python_float"]]
    out["unicode"] = unicode_tables()
    out["fuzz"] = fuzz_cases(gsm8k_answers)
    out["paired"] = paired_cases()
    out["mcnemar"] = [{"b": b, "c": c, "p": float(min(binom.cdf(min(b, c), b + c, 0.5) * 2, 1))}
                      for b, c in corpus["mcnemar"]]
    rs = np.random.RandomState(2024)
    bounds = [1, 2, 3, 10, 1319, 2**31 + 5, 2**32]
    out["randint"] = [{"seed": 2024, "bounds": bounds * 3,
                       "values": [int(rs.randint(0, n)) for n in bounds * 3]}]
    json.dump(out, sys.stdout, ensure_ascii=False)


FUZZ_PATTERNS = ["#### (\\-?[0-9\\.\\,]+)", "(-?[$0-9.,]{2,})|(-?[0-9]+)", "(?s).*#### ", "\\.$", "\\b(a|an|the)\\b",
                 "\\s+", "\\w+", "[^a-z0-9]+", "(\\d+)(?:,(\\d+))*", "a*?b|.", "(?i)the|\\$", "^\\W*|\\W*$"]


def ranges(predicate):
    """Code-point ranges [first, last] where predicate holds."""
    result, start = [], None
    for cp in range(0x110000):
        if predicate(cp):
            if start is None:
                start = cp
        elif start is not None:
            result.append([start, cp - 1])
            start = None
    if start is not None:
        result.append([start, 0x10FFFF])
    return result


PUNCT, NUMBER, SYMBOL = (regex_module.compile(p) for p in (r"\p{P}", r"\p{N}", r"\p{S}"))


def unicode_tables():
    """The str predicates and lower() mappings the metrics use, over every assigned code point."""
    import unicodedata
    assigned = lambda cp: unicodedata.category(chr(cp)) not in ("Cn", "Cs")
    lowered = {cp: chr(cp).lower() for cp in range(0x110000) if assigned(cp) and chr(cp).lower() != chr(cp)}
    return {"unidata_version": unicodedata.unidata_version, "assigned": ranges(assigned),
            "isalnum": ranges(lambda cp: chr(cp).isalnum()), "isdecimal": ranges(lambda cp: chr(cp).isdecimal()),
            "isspace": ranges(lambda cp: chr(cp).isspace()),
            # What sacrebleu's intl tokenizer matches with the `regex` module.
            "regex_P": ranges(lambda cp: PUNCT.match(chr(cp)) is not None),
            "regex_N": ranges(lambda cp: NUMBER.match(chr(cp)) is not None),
            "regex_S": ranges(lambda cp: SYMBOL.match(chr(cp)) is not None),
            "lower": [[cp, [ord(c) for c in text]] for cp, text in sorted(lowered.items())]}


def fuzz_text(rnd, alphabet, pieces, longest):
    return "".join(rnd.choice(alphabet) if rnd.random() < 0.8 else rnd.choice(pieces)
                   for _ in range(rnd.randint(0, longest)))


def fuzz_cases(gsm8k_answers):
    """Seeded random inputs over the characters each metric reacts to."""
    rnd = random.Random(20261126)
    numeric = list("0123456789$.,-# \n\tx")
    numeric_pieces = ["#### ", "####", "-$", "1,000", "The answer is ", "\u0663", "\u00a0", ".\n"]
    words = list("aAnNtThHeE 0123456789.,-$%'\t\n_+\u00e9\u2013\u0130\u03a3")
    word_pieces = ["the ", "an ", "A ", "1e3", "nan", "-5", "1_000", " the-", "May 5, 2010", "\u0663"]
    prose = list("abcXYZ 0123456789.,;:!?'\"()[]{}-\u2014\u00ab\u00bb$\u20ac%&*+=<>/\\@#\u00a9\u00b2\u00bd\u3002\u65e5")
    prose_pieces = ["the cat ", "3.14", "1,000", " . ", "end.", "don't", "\U0001F600", "\u00a0"]
    out = {"gsm8k": [], "regex": [], "drop": [], "bleu": []}
    for i in range(400):
        response = fuzz_text(rnd, numeric, numeric_pieces, 30)
        out["gsm8k"].append(gsm8k_case(response, gsm8k_answers[i] if i % 2 else response))
    for i in range(300):
        pattern = FUZZ_PATTERNS[i % len(FUZZ_PATTERNS)]
        text = fuzz_text(rnd, words + numeric, word_pieces + numeric_pieces, 25)
        out["regex"].append({"pattern": pattern, "text": text, "sub": re.sub(pattern, "", text),
                             "findall": findall(pattern, text)})
    for _ in range(300):
        prediction = fuzz_text(rnd, words, word_pieces, 12)
        golds = [[fuzz_text(rnd, words, word_pieces, 8) for _ in range(rnd.randint(1, 3))] for _ in range(rnd.randint(1, 3))]
        if rnd.random() < 0.3:
            golds.append([prediction])
        result = drop.process_results({"answers": [tuple(g) for g in golds]}, [prediction])
        out["drop"].append({"prediction": prediction, "golds": golds, "normalized": drop._normalize(prediction),
                            "em": float(result["em"]), "f1": float(result["f1"])})
    for _ in range(120):
        hypothesis = fuzz_text(rnd, prose, prose_pieces, 30)
        reference = hypothesis if rnd.random() < 0.2 else fuzz_text(rnd, prose, prose_pieces, 30)
        out["bleu"].append({"hypothesis": hypothesis, "reference": reference,
                            "score": float(truthfulqa.bleu([[reference]], [hypothesis])),
                            "rouge": {k: float(v) for k, v in truthfulqa.rouge([reference], [hypothesis]).items()}})
    return out


def bootstrap(a, b, iterations, seed, confidence):
    """The plan PairedStatistics.bootstrapCI documents, in numpy."""
    d = np.array(a) - np.array(b)
    rs = np.random.RandomState(seed)
    n = len(d)
    means = [d[rs.randint(0, n, size=n)].mean() for _ in range(iterations)]
    lower, upper = np.percentile(means, [100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2])
    return {"a": a, "b": b, "iterations": iterations, "seed": seed, "confidence": confidence,
            "difference": float(d.mean()), "lower": float(lower), "upper": float(upper)}


def paired_cases():
    rnd = random.Random(7)
    correct_a = [float(rnd.random() < 0.6) for _ in range(300)]
    correct_b = [float(rnd.random() < 0.5) for _ in range(300)]
    f1_a = [round(rnd.random(), 2) for _ in range(60)]
    f1_b = [round(rnd.random(), 2) for _ in range(60)]
    return [bootstrap(correct_a, correct_b, 1000, 1234, 0.95), bootstrap(f1_a, f1_b, 500, 99, 0.9),
            bootstrap([1.0], [0.0], 10, 0, 0.95), bootstrap([0.5] * 5, [0.25] * 5, 20, 5, 0.95)]


if __name__ == "__main__":
    main()
