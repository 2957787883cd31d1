#!/usr/bin/env python3
"""Independent numpy forward pass of a llama / qwen2 / mistral / gemma3 causal LM, in float64.

    python reference.py MODEL_DIR TOKENS_JSON
    python reference.py MODEL.gguf TOKENS_JSON
    python reference.py --float32 MODEL TOKENS_JSON   (the same pass in float32 throughout, to
                                                       measure how far float32 alone strays)
    python reference.py --out FILE MODEL TOKENS_JSON  (the logits as raw little-endian float64,
                                                       row after row, into FILE instead of JSON)
    python reference.py --from N MODEL TOKENS_JSON    (only the logits of positions N and after)

MODEL_DIR is a Hugging Face model folder (config.json plus model.safetensors, or shards listed in
model.safetensors.index.json; F32, F16 or BF16). MODEL.gguf is a `llama`- or `gemma3`-architecture GGUF file,
read with the `gguf` package's GGUFReader and dequantized with its numpy gguf.quants.dequantize;
its q/k weights are used as stored, with llama.cpp's rotary layout (adjacent pairs of each head,
rope type "normal") instead of Hugging Face's halves. TOKENS_JSON is a JSON list of token ids, given
inline or as the path of a file holding it. Prints the logits of every position as a JSON list of
lists (one row of vocab_size floats per input token).

Written from the architectures' definitions (Hugging Face modeling_llama / modeling_qwen2 /
modeling_gemma3): RMSNorm, rotary embeddings on the two halves of each head (with llama3 rope
scaling), grouped query attention with a causal mask, SwiGLU MLP, optional q/k/v biases and tied
embeddings. Gemma 3 (`gemma3_text` folders, `gemma3` GGUF files) adds: embeddings times
sqrt(hidden_size); RMSNorm scaling by (1 + weight) in folders (GGUF files store 1 + weight);
norms after attention and after the MLP as well as before; per-head RMSNorm of q and k before
the rotation; GeGLU with tanh-approximated GELU; local layers that see only the last
`sliding_window` positions, rotated with base rope_local_base_freq and no scaling; scores scaled
by query_pre_attn_scalar ** -0.5; optional final logit soft-capping.
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


GGUF_LAYER_NAMES = {
    "attn_norm": "input_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj", "ffn_norm": "post_attention_layernorm",
    "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj",
}
# Gemma 3 (llama.cpp's tensor names for Gemma3DecoderLayer): ffn_norm is the norm before the MLP.
GGUF_GEMMA3_LAYER_NAMES = dict(GGUF_LAYER_NAMES, **{
    "ffn_norm": "pre_feedforward_layernorm", "post_attention_norm": "post_attention_layernorm",
    "post_ffw_norm": "post_feedforward_layernorm", "attn_q_norm": "self_attn.q_norm", "attn_k_norm": "self_attn.k_norm",
})


def load_gguf(path):
    """A llama GGUF file as (config with Hugging Face keys, weights under Hugging Face names, as stored)."""
    from gguf import GGUFReader
    from gguf.quants import dequantize

    reader = GGUFReader(path)

    def meta(key, default=None):
        field = reader.fields.get(key)
        return default if field is None else field.contents()

    arch = meta("general.architecture")
    if arch not in ("llama", "gemma3"):
        raise ValueError(f"{path}: architecture {arch} is not supported by the reference")
    layer_names = GGUF_GEMMA3_LAYER_NAMES if arch == "gemma3" else GGUF_LAYER_NAMES
    if meta(f"{arch}.rope.scaling.type", "none") not in ("none", "linear"):
        raise ValueError(f"{path}: unsupported rope scaling")
    weights = {}
    for t in reader.tensors:
        values = dequantize(t.data, t.tensor_type).astype(np.float64).reshape(tuple(int(d) for d in reversed(t.shape)))
        name = t.name
        if name == "token_embd.weight":
            name = "model.embed_tokens.weight"
        elif name == "output_norm.weight":
            name = "model.norm.weight"
        elif name == "output.weight":
            name = "lm_head.weight"
        elif name.startswith("blk."):
            _, layer, kind, suffix = name.split(".")
            name = f"model.layers.{layer}.{layer_names[kind]}.{suffix}"
        weights[name] = values
    heads = meta(f"{arch}.attention.head_count")
    config = {
        "hidden_size": meta(f"{arch}.embedding_length"),
        "num_hidden_layers": meta(f"{arch}.block_count"),
        "num_attention_heads": heads,
        "num_key_value_heads": meta(f"{arch}.attention.head_count_kv", heads),
        "head_dim": meta(f"{arch}.attention.key_length"),
        "rms_norm_eps": float(meta(f"{arch}.attention.layer_norm_rms_epsilon")),
        "rope_theta": float(meta(f"{arch}.rope.freq_base", 10000.0)),
        "tie_word_embeddings": "lm_head.weight" not in weights,
        "rotary_layout": "interleaved",
    }
    if arch == "gemma3":
        # llama.cpp's gemma3: NEOX rope (the two halves, q/k rows not permuted), norms stored as
        # 1 + weight, every 6th layer global, local layers rotated with base 10000 unscaled, q scaled
        # by 1/sqrt(key_length) (1/sqrt(embedding_length / head_count) for the 62-layer 27B).
        layers = config["num_hidden_layers"]
        window = meta(f"{arch}.attention.sliding_window")
        scalar = config["hidden_size"] // heads if layers == 62 else config["head_dim"]
        config.update({
            "model_type": "gemma3", "rotary_layout": "halves", "norm_offset": 0.0,
            "query_pre_attn_scalar": scalar,
            "sliding_window": window,
            "layer_types": ["sliding_attention" if window and (i + 1) % 6 else "full_attention" for i in range(layers)],
            "rope_local_base_freq": float(meta(f"{arch}.rope.freq_base_swa", 10000.0)),
            "final_logit_softcapping": meta(f"{arch}.final_logit_softcapping"),
        })
    if meta(f"{arch}.rope.scaling.type", "none") == "linear":
        config["rope_scaling"] = {"type": "linear", "factor": float(meta(f"{arch}.rope.scaling.factor"))}
    return config, weights


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


def rotate_interleaved(x, cos, sin):
    """llama.cpp's rope for llama: pair (2i, 2i + 1) of each head turns by angle i; cos and sin are
    [seq, 1, head_dim / 2]."""
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def forward(model_dir, tokens, dtype=np.float64, first_row=0):
    if model_dir.endswith(".gguf"):
        config, w = load_gguf(model_dir)
    else:
        with open(os.path.join(model_dir, "config.json")) as handle:
            config = json.load(handle)
        w = load_weights(model_dir)
    w = {name: values.astype(dtype, copy=False) for name, values in w.items()}
    hidden = config["hidden_size"]
    n_heads = config["num_attention_heads"]
    n_kv = config.get("num_key_value_heads", n_heads)
    head_dim = config.get("head_dim") or hidden // n_heads
    eps = config["rms_norm_eps"]
    seq = len(tokens)
    gemma = config.get("model_type") in ("gemma3", "gemma3_text")
    if gemma:
        if config.get("attn_logit_softcapping") is not None:
            raise ValueError("attn_logit_softcapping is not supported by the reference")
        # Hugging Face's Gemma3RMSNorm scales by (1 + weight); GGUF files store 1 + weight.
        norm_offset = config.get("norm_offset", 1.0)
        w = {name: values + norm_offset if name.endswith("norm.weight") else values for name, values in w.items()}

    def rotation(theta_config):
        angles = np.outer(np.arange(seq, dtype=np.float64), inverse_frequencies(theta_config, head_dim))
        if config.get("rotary_layout") == "interleaved":
            cos, sin = np.cos(angles)[:, None, :], np.sin(angles)[:, None, :]
        else:
            cos = np.cos(np.concatenate([angles, angles], axis=-1))[:, None, :]
            sin = np.sin(np.concatenate([angles, angles], axis=-1))[:, None, :]
        return cos.astype(dtype), sin.astype(dtype)

    turn = rotate_interleaved if config.get("rotary_layout") == "interleaved" else rotate
    rotations = {"full_attention": rotation(config)}
    masks = {"full_attention": np.triu(np.full((seq, seq), -np.inf), k=1).astype(dtype)}
    layer_types = ["full_attention"] * config["num_hidden_layers"]
    scale = 1.0 / math.sqrt(head_dim)
    if gemma:
        window = config.get("sliding_window") or seq + 1
        if config.get("layer_types"):
            layer_types = config["layer_types"]
        else:
            pattern = config.get("sliding_window_pattern", config.get("_sliding_window_pattern", 6))
            layer_types = ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(len(layer_types))]
        rotations["sliding_attention"] = rotation({"rope_theta": config.get("rope_local_base_freq", 10000.0)})
        # A query at position i sees keys i - window + 1 ... i.
        distance = np.arange(seq)[:, None] - np.arange(seq)[None, :]
        masks["sliding_attention"] = np.where((distance >= 0) & (distance < window), 0.0, -np.inf).astype(dtype)
        scale = config.get("query_pre_attn_scalar", 256) ** -0.5

    def linear(x, name):
        out = x @ w[name + ".weight"].T
        if name + ".bias" in w:
            out = out + w[name + ".bias"]
        return out

    x = w["model.embed_tokens.weight"][np.array(tokens)]
    if gemma:
        x = x * dtype(math.sqrt(hidden))
    for layer in range(config["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        cos, sin = rotations[layer_types[layer]]
        mask = masks[layer_types[layer]]
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(h, p + "self_attn.q_proj").reshape(seq, n_heads, head_dim)
        k = linear(h, p + "self_attn.k_proj").reshape(seq, n_kv, head_dim)
        v = linear(h, p + "self_attn.v_proj").reshape(seq, n_kv, head_dim)
        if gemma:
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q, k = turn(q, cos, sin), turn(k, cos, sin)
        group = n_heads // n_kv
        out = np.zeros((seq, n_heads, head_dim), dtype=dtype)
        for head in range(n_heads):
            kv = head // group
            scores = q[:, head, :] @ k[:, kv, :].T * dtype(scale) + mask
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            probs = scores / scores.sum(axis=-1, keepdims=True)
            out[:, head, :] = probs @ v[:, kv, :]
        attention = linear(out.reshape(seq, n_heads * head_dim), p + "self_attn.o_proj")
        if gemma:
            attention = rms_norm(attention, w[p + "post_attention_layernorm.weight"], eps)
            x = x + attention
            h = rms_norm(x, w[p + "pre_feedforward_layernorm.weight"], eps)
            gate = linear(h, p + "mlp.gate_proj")
            gelu = 0.5 * gate * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (gate + 0.044715 * gate ** 3)))
            mlp = linear(gelu * linear(h, p + "mlp.up_proj"), p + "mlp.down_proj")
            x = x + rms_norm(mlp, w[p + "post_feedforward_layernorm.weight"], eps)
            continue
        x = x + attention
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(h, p + "mlp.gate_proj")
        act = gate / (1.0 + np.exp(-gate)) * linear(h, p + "mlp.up_proj")
        x = x + linear(act, p + "mlp.down_proj")
    x = rms_norm(x[first_row:], w["model.norm.weight"], eps)
    tied = config.get("tie_word_embeddings", gemma)
    head = w["model.embed_tokens.weight"] if tied else w["lm_head.weight"]
    logits = x @ head.T
    cap = config.get("final_logit_softcapping") if gemma else None
    if cap:
        logits = np.tanh(logits / cap) * cap
    return logits


def main(argv):
    dtype, out_path, first_row = np.float64, None, 0
    while argv[:1] in (["--float32"], ["--out"], ["--from"]):
        if argv[0] == "--float32":
            dtype, argv = np.float32, argv[1:]
        elif argv[0] == "--out":
            out_path, argv = argv[1], argv[2:]
        else:
            first_row, argv = int(argv[1]), argv[2:]
    if len(argv) != 2:
        sys.stderr.write("usage: reference.py [--float32] [--out FILE] [--from N] MODEL_DIR TOKENS_JSON\n")
        return 2
    model_dir, tokens_arg = argv
    if os.path.exists(tokens_arg):
        with open(tokens_arg) as handle:
            tokens = json.load(handle)
    else:
        tokens = json.loads(tokens_arg)
    logits = forward(model_dir, tokens, dtype, first_row)
    if out_path is not None:
        temp = out_path + ".tmp"
        with open(temp, "wb") as handle:
            handle.write(np.ascontiguousarray(logits, dtype="<f8").tobytes())
        os.replace(temp, out_path)
        return 0
    json.dump([[float(v) for v in row] for row in logits], sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
