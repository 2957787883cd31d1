"""llama.cpp's own tokenizer (llama-cpp-python, vocab only) on a batch of texts: the reference the
Swift GGUF tokenizer is compared with, id for id.

stdin:  {"model": path, "texts": [str], "cases": [[[add_bos, special], ...] per text], "decode": [[id, ...], ...]}
stdout: {"ids": [[[id, ...] per case] per text], "decoded": [base64 of detokenize(ids, special=True)],
         "bos": int, "eos": int, "n_vocab": int}
"""
import base64
import ctypes
import json
import sys

import llama_cpp
from llama_cpp import Llama

request = json.load(sys.stdin)
llm = Llama(model_path=request["model"], vocab_only=True, verbose=False)
ids = [[llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=special) for add_bos, special in cases]
       for text, cases in zip(request["texts"], request["cases"])]
vocab = llama_cpp.llama_model_get_vocab(llm._model.model)


def detokenize(tokens):
    """llama.cpp's llama_detokenize(remove_special=False, unparse_special=True)."""
    array = (llama_cpp.llama_token * max(1, len(tokens)))(*tokens)
    size = 64 + 64 * len(tokens)
    while True:
        buffer = ctypes.create_string_buffer(size)
        n = llama_cpp.llama_detokenize(vocab, array, len(tokens), buffer, size, False, True)
        if n >= 0:
            return buffer.raw[:n]
        size = -n + 1


decoded = [base64.b64encode(detokenize(tokens)).decode("ascii") for tokens in request["decode"]]
json.dump({"ids": ids, "decoded": decoded, "bos": llm.token_bos(), "eos": llm.token_eos(), "n_vocab": llm.n_vocab()}, sys.stdout)
