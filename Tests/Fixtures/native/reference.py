#!/usr/bin/env python3
"""Independent numpy forward pass of a llama / qwen2 / mistral causal LM, in float64.

    python reference.py MODEL_DIR TOKENS_JSON

MODEL_DIR is a Hugging Face model folder (config.json plus model.safetensors, or shards listed in
model.safetensors.index.json; F32, F16 or BF16). TOKENS_JSON is a JSON list of token ids, given
inline or as the path of a file holding it. Prints the logits of every position as a JSON list of
lists (one row of vocab_size floats per input token).

Written from the architectures' definitions (Hugging Face modeling_llama / modeling_qwen2):
RMSNorm, rotary embeddings on the two halves of each head (with llama3 rope scaling), grouped
query attention with a causal mask, SwiGLU MLP, optional q/k/v biases and tied embeddings.
"""
import json
import math
import os
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as handle:
        data = handle.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = data[base + start:base + end]
        dtype = info["dtype"]
        if dtype == "F32":
            values = np.frombuffer(raw, dtype="<f4").astype(np.float64)
        elif dtype == "F16":
            values = np.frombuffer(raw, dtype="<f2").astype(np.float64)
        elif dtype == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            values = bits.view(np.float32).astype(np.float64)
        else:
            raise ValueError(f"{path}: tensor {name}: unsupported dtype {dtype}")
        tensors[name] = values.reshape(info["shape"])
    return tensors


def load_weights(model_dir):
    index_path = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index_path):
        with open(index_path) as handle:
            weight_map = json.load(handle)["weight_map"]
        tensors = {}
        for filename in sorted(set(weight_map.values())):
            tensors.update(read_safetensors(os.path.join(model_dir, filename)))
        return tensors
    return read_safetensors(os.path.join(model_dir, "model.safetensors"))


def inverse_frequencies(config, head_dim):
    theta = config.get("rope_theta", 10000.0)
    inv_freq = 1.0 / theta ** (np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)
    scaling = config.get("rope_scaling") or {}
    kind = scaling.get("rope_type", scaling.get("type"))
    if kind == "llama3":
        factor = scaling["factor"]
        low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
        old_len = scaling["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old_len / low, old_len / high
        result = []
        for freq in inv_freq:
            wavelen = 2 * math.pi / freq
            if wavelen < high_wavelen:
                result.append(freq)
            elif wavelen > low_wavelen:
                result.append(freq / factor)
            else:
                smooth = (old_len / wavelen - low) / (high - low)
                result.append((1 - smooth) * freq / factor + smooth * freq)
        inv_freq = np.array(result)
    elif kind == "linear":
        inv_freq = inv_freq / scaling["factor"]
    elif kind not in (None, "default"):
        raise ValueError(f"unsupported rope_scaling type {kind}")
    return inv_freq


def rms_norm(x, weight, eps):
    return weight * (x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps))


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * cos + rotated * sin


def forward(model_dir, tokens):
    with open(os.path.join(model_dir, "config.json")) as handle:
        config = json.load(handle)
    w = load_weights(model_dir)
    hidden = config["hidden_size"]
    n_heads = config["num_attention_heads"]
    n_kv = config.get("num_key_value_heads", n_heads)
    head_dim = config.get("head_dim") or hidden // n_heads
    eps = config["rms_norm_eps"]
    seq = len(tokens)

    positions = np.arange(seq, dtype=np.float64)
    angles = np.outer(positions, inverse_frequencies(config, head_dim))
    cos = np.cos(np.concatenate([angles, angles], axis=-1))[:, None, :]
    sin = np.sin(np.concatenate([angles, angles], axis=-1))[:, None, :]
    mask = np.triu(np.full((seq, seq), -np.inf), k=1)

    def linear(x, name):
        out = x @ w[name + ".weight"].T
        if name + ".bias" in w:
            out = out + w[name + ".bias"]
        return out

    x = w["model.embed_tokens.weight"][np.array(tokens)]
    for layer in range(config["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(h, p + "self_attn.q_proj").reshape(seq, n_heads, head_dim)
        k = linear(h, p + "self_attn.k_proj").reshape(seq, n_kv, head_dim)
        v = linear(h, p + "self_attn.v_proj").reshape(seq, n_kv, head_dim)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        group = n_heads // n_kv
        out = np.zeros((seq, n_heads, head_dim))
        for head in range(n_heads):
            kv = head // group
            scores = q[:, head, :] @ k[:, kv, :].T / math.sqrt(head_dim) + mask
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            probs = scores / scores.sum(axis=-1, keepdims=True)
            out[:, head, :] = probs @ v[:, kv, :]
        x = x + linear(out.reshape(seq, n_heads * head_dim), p + "self_attn.o_proj")
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(h, p + "mlp.gate_proj")
        act = gate / (1.0 + np.exp(-gate)) * linear(h, p + "mlp.up_proj")
        x = x + linear(act, p + "mlp.down_proj")
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if config.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return x @ head.T


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: reference.py MODEL_DIR TOKENS_JSON\n")
        return 2
    model_dir, tokens_arg = argv
    if os.path.exists(tokens_arg):
        with open(tokens_arg) as handle:
            tokens = json.load(handle)
    else:
        tokens = json.loads(tokens_arg)
    logits = forward(model_dir, tokens)
    json.dump([[float(v) for v in row] for row in logits], sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
