"""The `gguf` package's numpy dequantization, for the Swift dequantizer's tests.

  python gguf_quants.py generate OUT.gguf SEED   writes a GGUF with random blocks of every type the
                                                 native engine converts (and one IQ4_NL tensor it
                                                 does not), written by gguf.GGUFWriter
  python gguf_quants.py digests FILE.gguf        prints, per tensor, the SHA-256 of its values as
                                                 gguf.quants.dequantize gives them (little-endian
                                                 float32, row-major) and the bit patterns of its
                                                 first values, as JSON
"""
import hashlib
import json
import sys

import numpy as np
from gguf import GGUFReader, GGUFWriter
from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType as T
from gguf.quants import dequantize

# Where each block type keeps its f16 scales (byte ranges inside a block).
F16_FIELDS = {
    T.Q8_0: [(0, 2)], T.Q4_0: [(0, 2)], T.Q4_1: [(0, 4)], T.Q5_0: [(0, 2)], T.Q5_1: [(0, 4)],
    T.Q2_K: [(80, 84)], T.Q3_K: [(108, 110)], T.Q4_K: [(0, 4)], T.Q5_K: [(0, 4)], T.Q6_K: [(208, 210)],
    T.IQ4_NL: [(0, 2)],
}
ROWS, BLOCKS_PER_ROW = 6, 5


def finite_halves(rng, count):
    """Random float16 bit patterns that are finite (every sign, exponent and mantissa, subnormals too)."""
    bits = rng.integers(0, 1 << 16, size=count, dtype=np.uint16)
    return np.where((bits & 0x7C00) == 0x7C00, bits & 0xBFFF, bits).astype(np.uint16)


def generate(out, seed):
    rng = np.random.default_rng(seed)
    writer = GGUFWriter(out, "test")
    writer.add_uint32("test.seed", seed)
    # Plain types: every bit pattern, NaN and infinities included.
    writer.add_tensor("plain.f32", rng.integers(0, 1 << 32, size=(ROWS, 40), dtype=np.uint32).view(np.float32))
    writer.add_tensor("plain.f16", rng.integers(0, 1 << 16, size=(ROWS, 40), dtype=np.uint16).view(np.float16))
    writer.add_tensor("plain.bf16", rng.integers(0, 256, size=(ROWS, 80), dtype=np.uint8), raw_dtype=T.BF16)
    for qtype, fields in F16_FIELDS.items():
        block, size = GGML_QUANT_SIZES[qtype]
        raw = rng.integers(0, 256, size=(ROWS * BLOCKS_PER_ROW, size), dtype=np.uint8)
        for start, end in fields:
            raw[:, start:end] = finite_halves(rng, raw.shape[0] * (end - start) // 2).view(np.uint8).reshape(raw.shape[0], -1)
        name = ("unsupported." if qtype == T.IQ4_NL else "quant.") + qtype.name.lower()
        writer.add_tensor(name, raw.reshape(ROWS, BLOCKS_PER_ROW * size), raw_dtype=qtype)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def digests(path):
    reader = GGUFReader(path)
    out = []
    for t in reader.tensors:
        if t.name.startswith("unsupported."):
            continue
        values = np.ascontiguousarray(dequantize(t.data, t.tensor_type), dtype=np.float32)
        assert values.size == t.n_elements, t.name
        raw = values.astype("<f4").tobytes()
        out.append({"name": t.name, "type": t.tensor_type.name, "count": int(values.size),
                    "sha256": hashlib.sha256(raw).hexdigest(),
                    "head": ["%08x" % v for v in values.reshape(-1)[:8].view(np.uint32)]})
    json.dump(out, sys.stdout, sort_keys=True)


if sys.argv[1] == "generate":
    generate(sys.argv[2], int(sys.argv[3]))
elif sys.argv[1] == "digests":
    digests(sys.argv[2])
else:
    sys.exit(f"unknown command {sys.argv[1]}")
