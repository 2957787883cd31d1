"""lm-eval 0.4.13's own left truncation, for ContextWindowTests.

Usage: python lm_eval_truncation.py < CASES.json > OUT.json

CASES: [{"max_length": int, "context": [int...], "continuation": [int...]}, ...]
For each case, lm-eval's local-completions client (`TemplateAPI`, whose `max_length` is the
configured one minus 1) builds the loglikelihood input with its own
`batch_loglikelihood_requests`: OUT holds {"tokens": [...], "ctxlen": int} per case. lm-eval
refuses `ctxlen <= 0` later (`parse_logprobs` asserts `ctxlen > 0`).

Also printed, under "sources": whether the installed lm-eval's code holds the truncation
expressions of generate_until (TemplateAPI) and of HFLM, which the tests state as numbers.
"""
import inspect
import json
import sys
from types import SimpleNamespace

from lm_eval.models import api_models

SOURCES = {
    "api_init_minus_one": ("api_models", "self.max_length = max_length - 1"),
    "api_generate_context": ("api_models", "max_context_len = self.max_length - max_gen_toks"),
    "api_generate_slice": ("api_models", "encodings_list = [x[-max_context_len:] for x in encodings_list]"),
    "hf_loglikelihood_slice": ("huggingface", "(context_enc + continuation_enc)[-(self.max_length + 1) :][:-1]"),
    "hf_continuation_bound": ("huggingface", "assert len(continuation_enc) <= self.max_length"),
    "hf_generate_context": ("huggingface", "max_ctx_len = self.max_length - max_gen_toks"),
    "hf_generate_positive": ("huggingface", "assert max_ctx_len > 0"),
}


def source_of(module):
    # huggingface.py imports torch, which the test environment lacks: read the file itself.
    if module == "api_models":
        return inspect.getsource(api_models)
    path = api_models.__file__.replace("api_models.py", "huggingface.py")
    with open(path, encoding="utf-8") as f:
        return f.read()


def main():
    cases = json.load(sys.stdin)
    out = []
    for case in cases:
        model = SimpleNamespace(max_length=case["max_length"] - 1)
        chunk = [(None, case["context"], case["continuation"])]
        inputs, ctxlens, _ = api_models.TemplateAPI.batch_loglikelihood_requests(model, [chunk])
        out.append({"tokens": inputs[0], "ctxlen": ctxlens[0]})
    sources = {name: text in source_of(module) for name, (module, text) in SOURCES.items()}
    json.dump({"cases": out, "sources": sources}, sys.stdout)


if __name__ == "__main__":
    main()
