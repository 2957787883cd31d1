#!/usr/bin/env python3
"""Reference outputs of the `tokenizers` library for arena-script's tokenizer tests.

Usage: reference.py OUT_DIR
Reads parity_corpus.json (plus 400 random texts from a fixed seed) and the two trained tokenizers
beside this file, writes variants of them (OUT_DIR/<variant>/tokenizer.json) and OUT_DIR/expected.json:
  {"corpus": [text, ...], "variants": {name: {"vocab_size", "encode", "encode_special", "decode": [{"ids", "text", "text_skip"}]}},
   "splits": {pattern name: [[piece, ...] per corpus text]}}
"""
import copy
import json
import os
import random
import sys

from tokenizers import AddedToken, Regex, Tokenizer, pre_tokenizers

HERE = os.path.dirname(os.path.abspath(__file__))

PATTERNS = {
    "gpt2": r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
    "llama3": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    "qwen2": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
}


def load(name):
    with open(os.path.join(HERE, name, "tokenizer.json"), encoding="utf-8") as f:
        return json.load(f)


def variants():
    byte_level = load("byte-level")
    sentencepiece = load("sentencepiece-bpe")
    result = {"byte-level": byte_level, "sentencepiece-bpe": sentencepiece}

    qwen2 = copy.deepcopy(byte_level)
    qwen2["normalizer"] = {"type": "NFC"}
    qwen2["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = PATTERNS["qwen2"]
    qwen2["model"]["ignore_merges"] = False
    qwen2["post_processor"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    result["byte-level-qwen2"] = qwen2

    gpt2 = copy.deepcopy(byte_level)
    gpt2["pre_tokenizer"] = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True}
    gpt2["model"]["ignore_merges"] = False
    gpt2["post_processor"] = None
    result["byte-level-gpt2"] = gpt2

    gpt2_plain = copy.deepcopy(gpt2)
    gpt2_plain["pre_tokenizer"]["add_prefix_space"] = False
    result["byte-level-gpt2-no-prefix"] = gpt2_plain

    digits = copy.deepcopy(byte_level)
    digits["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    ]}
    result["byte-level-digits"] = digits

    # Added tokens with the flags: lstrip, rstrip, single_word, normalized, non-special.
    added = Tokenizer.from_str(json.dumps(byte_level))
    added.add_tokens([
        AddedToken("hello world", normalized=True),
        AddedToken("<tool>", lstrip=True, rstrip=True, normalized=False, special=False),
        AddedToken("ab", single_word=True, normalized=False),
    ])
    added.add_special_tokens([AddedToken("<|sep|>", lstrip=True, normalized=False, special=True)])
    result["byte-level-added"] = json.loads(added.to_str())

    # Newer Llama/Mistral conversions: Metaspace pre-tokenizer and decoder instead of the normalizer.
    for scheme in ("first", "always"):
        metaspace = copy.deepcopy(sentencepiece)
        metaspace["normalizer"] = None
        metaspace["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": scheme, "split": scheme == "always"}
        metaspace["decoder"] = {"type": "Sequence", "decoders": [
            {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": scheme, "split": scheme == "always"},
            {"type": "ByteFallback"}, {"type": "Fuse"},
        ]}
        result["sentencepiece-metaspace-" + scheme] = metaspace

    sp_added = Tokenizer.from_str(json.dumps(sentencepiece))
    sp_added.add_tokens([AddedToken("world", normalized=True), AddedToken("<tool>", rstrip=True, normalized=False)])
    result["sentencepiece-bpe-added"] = json.loads(sp_added.to_str())
    return result


# Pieces the random texts are drawn from: every character class the split patterns distinguish.
PIECES = [
    "a", "Z", "hello", " world", "The", "'s", "'T", "'re", "'LL", "'", "ſ", "don't", "0", "12", "34567", " 89",
    "٣", "½", "Ⅻ", " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n ", "\u00a0", "\u3000", "\u2028", "\u0085",
    ".", ",", "!?", "...", "(", ")", "-", "@", "#", "$", "%", "&", "*", "\"", "/", "\\", "_", "~",
    "é", "e\u0301", "\u0301", "ñ", "Zürich", "東京", "我们", "한국", "Привет", "مرحبا", "שלום", "नमस्ते", "สวัสดี",
    "😀", "👍🏽", "👨\u200d👩\u200d👧", "🇫🇷", "\u200b", "\ufeff", "<|begin_of_text|>", "<|end_of_text|>", "<|pad|>",
    "<s>", "</s>", "<unk>", "<|", "|>", "<tool>", "<|sep|>", "hello world", "ab", "world", "▁", "\x00", "\x7f",
]


def random_texts(count, seed):
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 16))) for _ in range(count)]


def main():
    out = sys.argv[1]
    with open(os.path.join(HERE, "parity_corpus.json"), encoding="utf-8") as f:
        corpus = json.load(f)
    corpus += random_texts(400, seed=20261126)
    expected = {"corpus": corpus, "variants": {}, "splits": {}}
    for name, data in variants().items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        text = json.dumps(data, ensure_ascii=False)
        with open(os.path.join(out, name, "tokenizer.json"), "w", encoding="utf-8") as f:
            f.write(text)
        tok = Tokenizer.from_str(text)
        encode = [tok.encode(t, add_special_tokens=False).ids for t in corpus]
        encode_special = [tok.encode(t, add_special_tokens=True).ids for t in corpus]
        rng = random.Random(1234)
        size = tok.get_vocab_size(with_added_tokens=True)
        id_lists = [ids for ids in encode_special if ids]
        id_lists += [ids[1:-1] for ids in encode if len(ids) > 2]
        id_lists += [[rng.randrange(size) for _ in range(rng.randrange(1, 12))] for _ in range(200)]
        decode = [{"ids": ids, "text": tok.decode(ids, skip_special_tokens=False), "text_skip": tok.decode(ids, skip_special_tokens=True)} for ids in id_lists]
        expected["variants"][name] = {"vocab_size": size, "encode": encode, "encode_special": encode_special, "decode": decode}
    for name, pattern in PATTERNS.items():
        split = pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False)
        expected["splits"][name] = [[piece for piece, _ in split.pre_tokenize_str(t)] for t in corpus]
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
