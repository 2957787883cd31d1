#!/usr/bin/env python3
"""Trains the two tiny tokenizers arena-script's tests and tiny models use, with the `tokenizers`
package pinned in Tests/requirements.txt, on a small corpus written for this purpose (no benchmark
data):

- byte-level BPE, Llama-3 style: Split with the Llama-3 pattern + ByteLevel, ignore_merges,
  special tokens <|begin_of_text|>, <|end_of_text|>, <|pad|>, BOS template; vocabulary 512.
- SentencePiece-style BPE, Llama-2 style: Prepend("▁") + Replace(" ", "▁") normalizer, no
  pre-tokenizer, byte fallback tokens <0x00>..<0xFF>, fuse_unk, decoder Replace/ByteFallback/Fuse/Strip.

Usage: make_tokenizer.py [ROOT]   (ROOT defaults to the repository root) writes
  ROOT/Tests/Fixtures/tokenizer/byte-level/{tokenizer.json,tokenizer_config.json}
  ROOT/Tests/Fixtures/tokenizer/sentencepiece-bpe/{tokenizer.json,tokenizer_config.json}
  ROOT/models/tiny-llama/{tokenizer.json,tokenizer_config.json}   (copies of byte-level)
  ROOT/models/tiny-qwen2/{tokenizer.json,tokenizer_config.json}   (copies of byte-level)
"""
import json
import os
import sys

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)

CORPUS = [
    "The quick brown fox jumps over the lazy dog while the cat watches from the window.",
    "She said she'd finish the report by Monday, but it's Thursday and we're still waiting.",
    "I'm sure they'll arrive soon; they've called twice and I've answered both times.",
    "A farmer has 17 sheep and buys 25 more, then sells 9 of them at the market for 340 dollars.",
    "If a train leaves at 10:45 and travels 120 kilometres at 80 km/h, when does it arrive?",
    "def add(a, b):\n    return a + b\n\nprint(add(2, 3))\n",
    "for (int i = 0; i < 10; i++) {\n\tsum += values[i];\n}\n",
    "Numbers like 3.14159, 2.71828 and 1,000,000 appear in many texts about mathematics.",
    "Water boils at 100 degrees Celsius at sea level, and freezes at 0 degrees.",
    "Questions and answers: What is the capital of France? The capital of France is Paris.",
    "The committee met on the 3rd of March to discuss the budget for the coming year.",
    "Café, naïve, résumé, façade and jalapeño are words borrowed from other languages.",
    "Zürich, São Paulo, Kraków and Reykjavík are cities with accented names.",
    "Die Katze schläft auf dem Sofa, während der Hund im Garten spielt.",
    "El niño come una manzana y la niña bebe agua fría en la cocina.",
    "Привет, как дела? Сегодня хорошая погода.",
    "東京は日本の首都です。今日は晴れています。",
    "我们今天去公园散步，天气很好。",
    "서울은 한국의 수도입니다.",
    "مرحبا بالعالم، هذا نص تجريبي.",
    "שלום עולם, זה טקסט לדוגמה.",
    "Emoji make messages friendlier 😀 🎉 👍🏽 and sometimes confusing 🤔.",
    "Tabs\tand  double  spaces   and trailing spaces   \nare whitespace too.",
    "Lines end with newlines.\nSome end with carriage returns.\r\nSome have blank lines.\n\n\nLike this.",
    "He asked: \"Why don't you come?\" and she replied: 'I can't, I won't, I shouldn't.'",
    "THE END OF THE STORY IS NEAR, SHE'S SURE, AND HE'LL AGREE.",
    "Prices rose by 12% in 2023; the average cost was $4.99 per item (excluding tax).",
    "Email me at someone@example.org or visit the page under /docs/index.html#top.",
    "Reading, writing and arithmetic are the three basic skills taught in schools.",
    "Every morning the baker makes 48 loaves of bread and 120 rolls before sunrise.",
]


def corpus_lines():
    # Repeated so that frequent pairs dominate; order is fixed so training is reproducible.
    for _ in range(20):
        for line in CORPUS:
            yield line


def byte_level_tokenizer():
    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|pad|>"]
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=512, min_frequency=2, special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    tok.train_from_iterator(corpus_lines(), trainer=trainer)
    bos = tok.token_to_id("<|begin_of_text|>")
    tok.post_processor = processors.TemplateProcessing(
        single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B:1",
        special_tokens=[("<|begin_of_text|>", bos)],
    )
    config = {
        "add_bos_token": True, "add_eos_token": False,
        "bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>", "pad_token": "<|pad|>",
        "clean_up_tokenization_spaces": False, "model_max_length": 512,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }
    return json.loads(tok.to_str()), config


def sentencepiece_bpe_tokenizer():
    specials = ["<unk>", "<s>", "</s>"]
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    # Words for training only; the saved tokenizer has no pre-tokenizer (as Llama-2's).
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
    # A fixed alphabet (Latin script only), so that training is reproducible and Cyrillic, CJK,
    # Arabic, Hebrew and emoji go through the byte fallback tokens.
    alphabet = sorted({c for line in CORPUS for c in line.replace(" ", "▁") if ord(c) < 0x180} | {"▁"})
    trainer = trainers.BpeTrainer(
        vocab_size=512 - 256, min_frequency=2, special_tokens=specials, initial_alphabet=alphabet,
        limit_alphabet=len(alphabet), show_progress=False,
    )
    tok.train_from_iterator(corpus_lines(), trainer=trainer)
    tok.pre_tokenizer = None
    tok.decoder = decoders.Sequence([
        decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0),
    ])
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B:1", special_tokens=[("<s>", tok.token_to_id("<s>"))],
    )
    data = json.loads(tok.to_str())
    # Llama-2 layout: specials, then the 256 byte tokens, then the learned pieces.
    trained = sorted(data["model"]["vocab"].items(), key=lambda kv: kv[1])
    vocab = {}
    for token, _ in trained[: len(specials)]:
        vocab[token] = len(vocab)
    for b in range(256):
        vocab["<0x%02X>" % b] = len(vocab)
    for token, _ in trained[len(specials):]:
        if token not in vocab:
            vocab[token] = len(vocab)
    data["model"]["vocab"] = vocab
    # The older "a b" string form of merges (pieces never contain a space here); the byte-level
    # tokenizer keeps the ["a", "b"] array form, so both forms are covered.
    data["model"]["merges"] = [" ".join(pair) for pair in data["model"]["merges"]]
    config = {
        "add_bos_token": True, "add_eos_token": False,
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
        "clean_up_tokenization_spaces": False, "legacy": False, "model_max_length": 512,
        "tokenizer_class": "LlamaTokenizerFast",
    }
    Tokenizer.from_str(json.dumps(data))  # must load
    return data, config


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    byte_level, byte_level_config = byte_level_tokenizer()
    sentencepiece, sentencepiece_config = sentencepiece_bpe_tokenizer()
    fixtures = os.path.join(root, "Tests", "Fixtures", "tokenizer")
    folders = [
        (os.path.join(fixtures, "byte-level"), byte_level, byte_level_config),
        (os.path.join(fixtures, "sentencepiece-bpe"), sentencepiece, sentencepiece_config),
        (os.path.join(root, "models", "tiny-llama"), byte_level, byte_level_config),
        (os.path.join(root, "models", "tiny-qwen2"), byte_level, byte_level_config),
    ]
    for folder, tokenizer, config in folders:
        write_json(os.path.join(folder, "tokenizer.json"), tokenizer)
        write_json(os.path.join(folder, "tokenizer_config.json"), config)


if __name__ == "__main__":
    main()
