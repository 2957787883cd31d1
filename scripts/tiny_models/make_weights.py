#!/usr/bin/env python3
"""Writes tiny llama-family models (random weights from a seed) as Hugging Face model folders.

A folder holds config.json and either model.safetensors or shards plus
model.safetensors.index.json. Safetensors files are written by hand (8-byte little-endian header
length, JSON header with dtype/shape/data_offsets, raw little-endian data), so only numpy is
needed. The output is byte-identical for identical arguments.

    python make_weights.py --preset tiny-llama --out models/tiny-llama
    python make_weights.py --preset tiny-qwen2 --out /tmp/q --dtype bf16
    python make_weights.py --arch llama --out /tmp/m --rope-scaling llama3 --shards 3
    python make_weights.py --arch gemma3_text --out /tmp/g --sliding-window 8 --sliding-window-pattern 2

gemma3_text folders follow Hugging Face's Gemma3ForCausalLM: q/k norms, norms before and after
attention and the MLP, norm weights stored around 0 (Gemma's RMSNorm scales by 1 + weight), tied
embeddings, layer_types from --sliding-window-pattern (every N-th layer global).
"""
import argparse
import json
import os
import sys

import numpy as np

DTYPE_NAMES = {"f32": "F32", "f16": "F16", "bf16": "BF16"}


def to_bf16_bits(values):
    """float32 -> bfloat16 bit patterns, rounding to nearest even (as torch does)."""
    bits = np.ascontiguousarray(values, dtype="<f4").view("<u4").astype(np.uint64)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    return ((bits + rounding) >> 16).astype("<u2")


def encode(values, dtype):
    if dtype == "f32":
        return np.ascontiguousarray(values, dtype="<f4").tobytes()
    if dtype == "f16":
        return np.ascontiguousarray(values, dtype="<f4").astype("<f2").tobytes()
    return to_bf16_bits(values).tobytes()


def build_config(args):
    head_dim = args.head_dim or args.hidden // args.heads
    if args.arch == "gemma3_text":
        return {
            "architectures": ["Gemma3ForCausalLM"],
            "model_type": "gemma3_text",
            "hidden_size": args.hidden,
            "intermediate_size": args.intermediate,
            "num_hidden_layers": args.layers,
            "num_attention_heads": args.heads,
            "num_key_value_heads": args.kv_heads,
            "head_dim": head_dim,
            "hidden_activation": "gelu_pytorch_tanh",
            "max_position_embeddings": args.max_positions,
            "rms_norm_eps": args.rms_norm_eps,
            "rope_theta": args.rope_theta,
            "rope_local_base_freq": 10000.0,
            "rope_scaling": None,
            "query_pre_attn_scalar": args.query_pre_attn_scalar or head_dim,
            "sliding_window": args.sliding_window,
            "layer_types": ["sliding_attention" if (i + 1) % args.sliding_window_pattern else "full_attention" for i in range(args.layers)],
            "attn_logit_softcapping": None,
            "final_logit_softcapping": args.final_logit_softcapping,
            "attention_bias": False,
            "tie_word_embeddings": True,
            "vocab_size": args.vocab,
            "torch_dtype": {"f32": "float32", "f16": "float16", "bf16": "bfloat16"}[args.dtype],
            "bos_token_id": args.bos,
            "eos_token_id": args.eos,
        }
    config = {
        "architectures": ["Qwen2ForCausalLM" if args.arch == "qwen2" else ("MistralForCausalLM" if args.arch == "mistral" else "LlamaForCausalLM")],
        "model_type": args.arch,
        "hidden_size": args.hidden,
        "intermediate_size": args.intermediate,
        "num_hidden_layers": args.layers,
        "num_attention_heads": args.heads,
        "num_key_value_heads": args.kv_heads,
        "head_dim": head_dim,
        "hidden_act": "silu",
        "max_position_embeddings": args.max_positions,
        "rms_norm_eps": args.rms_norm_eps,
        "rope_theta": args.rope_theta,
        "tie_word_embeddings": args.arch == "qwen2",
        "vocab_size": args.vocab,
        "torch_dtype": {"f32": "float32", "f16": "float16", "bf16": "bfloat16"}[args.dtype],
        "bos_token_id": args.bos,
        "eos_token_id": args.eos,
    }
    if args.arch == "llama":
        config["attention_bias"] = False
        config["mlp_bias"] = False
    if args.arch == "mistral":
        config["sliding_window"] = None
    if args.rope_scaling == "llama3":
        config["rope_scaling"] = {
            "rope_type": "llama3",
            "factor": 8.0,
            "low_freq_factor": 1.0,
            "high_freq_factor": 4.0,
            "original_max_position_embeddings": 64,
        }
    else:
        config["rope_scaling"] = None
    return config


def build_tensors(args, config):
    """Tensors in a fixed order; scales keep activations and logits of order one."""
    rng = np.random.default_rng(args.seed)
    hidden, inter, vocab = args.hidden, args.intermediate, args.vocab
    head_dim = config["head_dim"]
    q_out, kv_out = args.heads * head_dim, args.kv_heads * head_dim

    def linear(out_features, in_features):
        return rng.standard_normal((out_features, in_features)) / np.sqrt(in_features)

    gemma = args.arch == "gemma3_text"

    def norm(size):
        # Gemma's RMSNorm multiplies by 1 + weight, so its weights are stored around 0.
        return (0.0 if gemma else 1.0) + 0.1 * rng.standard_normal(size)

    tensors = [("model.embed_tokens.weight", rng.standard_normal((vocab, hidden)))]
    for layer in range(args.layers):
        prefix = f"model.layers.{layer}."
        tensors.append((prefix + "input_layernorm.weight", norm(hidden)))
        tensors.append((prefix + "self_attn.q_proj.weight", linear(q_out, hidden)))
        tensors.append((prefix + "self_attn.k_proj.weight", linear(kv_out, hidden)))
        tensors.append((prefix + "self_attn.v_proj.weight", linear(kv_out, hidden)))
        if args.arch == "qwen2":
            tensors.append((prefix + "self_attn.q_proj.bias", 0.5 * rng.standard_normal(q_out)))
            tensors.append((prefix + "self_attn.k_proj.bias", 0.5 * rng.standard_normal(kv_out)))
            tensors.append((prefix + "self_attn.v_proj.bias", 0.5 * rng.standard_normal(kv_out)))
        if gemma:
            tensors.append((prefix + "self_attn.q_norm.weight", norm(head_dim)))
            tensors.append((prefix + "self_attn.k_norm.weight", norm(head_dim)))
        tensors.append((prefix + "self_attn.o_proj.weight", linear(hidden, q_out)))
        tensors.append((prefix + "post_attention_layernorm.weight", norm(hidden)))
        if gemma:
            tensors.append((prefix + "pre_feedforward_layernorm.weight", norm(hidden)))
        tensors.append((prefix + "mlp.gate_proj.weight", linear(inter, hidden)))
        tensors.append((prefix + "mlp.up_proj.weight", linear(inter, hidden)))
        tensors.append((prefix + "mlp.down_proj.weight", linear(hidden, inter)))
        if gemma:
            tensors.append((prefix + "post_feedforward_layernorm.weight", norm(hidden)))
    tensors.append(("model.norm.weight", norm(hidden)))
    if not config["tie_word_embeddings"]:
        tensors.append(("lm_head.weight", linear(vocab, hidden)))
    return [(name, values.astype(np.float32)) for name, values in tensors]


def safetensors_bytes(tensors, dtype):
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, values in tensors:
        blob = encode(values, dtype)
        header[name] = {"dtype": DTYPE_NAMES[dtype], "shape": list(values.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + b"".join(blobs)


def write_file(path, data):
    temp = path + ".tmp"
    with open(temp, "wb") as handle:
        handle.write(data)
    os.replace(temp, path)


def write_model(args):
    config = build_config(args)
    tensors = build_tensors(args, config)
    os.makedirs(args.out, exist_ok=True)
    write_file(os.path.join(args.out, "config.json"), (json.dumps(config, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    if args.shards <= 1:
        write_file(os.path.join(args.out, "model.safetensors"), safetensors_bytes(tensors, args.dtype))
        return
    groups = [tensors[i::args.shards] for i in range(args.shards)]
    weight_map = {}
    total = 0
    for index, group in enumerate(groups):
        filename = f"model-{index + 1:05d}-of-{args.shards:05d}.safetensors"
        data = safetensors_bytes(group, args.dtype)
        write_file(os.path.join(args.out, filename), data)
        for name, values in group:
            weight_map[name] = filename
            total += len(encode(values, args.dtype))
    index_doc = {"metadata": {"total_size": total}, "weight_map": weight_map}
    write_file(os.path.join(args.out, "model.safetensors.index.json"), (json.dumps(index_doc, indent=2, sort_keys=True) + "\n").encode("utf-8"))


# The models committed under models/ and the benchmark's model: `--preset NAME` fixes every
# option (an explicit option on the command line still wins).
PRESETS = {
    # bos/eos are the ids of <|begin_of_text|> and <|end_of_text|> in the committed tokenizer.json.
    "tiny-llama": {"arch": "llama", "seed": 1, "bos": 0, "eos": 1},
    "tiny-qwen2": {"arch": "qwen2", "seed": 2, "bos": 0, "eos": 1},
    "bench": {"arch": "llama", "seed": 3, "hidden": 1024, "intermediate": 2816, "layers": 4, "heads": 16,
              "kv_heads": 4, "vocab": 4096, "max_positions": 4096},
}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=sorted(PRESETS))
    parser.add_argument("--arch", choices=["llama", "qwen2", "mistral", "gemma3_text"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", choices=sorted(DTYPE_NAMES), default="f32")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--intermediate", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--kv-heads", type=int, default=2)
    parser.add_argument("--vocab", type=int, default=512)
    parser.add_argument("--max-positions", type=int, default=512)
    parser.add_argument("--rms-norm-eps", type=float, default=1e-6)
    parser.add_argument("--rope-theta", type=float, default=10000.0)
    parser.add_argument("--rope-scaling", choices=["none", "llama3"], default="none")
    parser.add_argument("--bos", type=int, default=None)
    parser.add_argument("--eos", type=int, default=None)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--head-dim", type=int, default=None, help="default: hidden / heads")
    parser.add_argument("--sliding-window", type=int, default=8, help="gemma3_text only")
    parser.add_argument("--sliding-window-pattern", type=int, default=6, help="gemma3_text only: every N-th layer is global")
    parser.add_argument("--query-pre-attn-scalar", type=float, default=None, help="gemma3_text only; default: head dim")
    parser.add_argument("--final-logit-softcapping", type=float, default=None, help="gemma3_text only")
    preset_args, _ = parser.parse_known_args(argv)
    if preset_args.preset:
        parser.set_defaults(**PRESETS[preset_args.preset])
    args = parser.parse_args(argv)
    if args.arch is None:
        parser.error("--arch or --preset is required")
    if (args.head_dim is None and args.hidden % args.heads) or args.heads % args.kv_heads:
        parser.error("hidden must be a multiple of heads, and heads a multiple of kv-heads")
    write_model(args)


if __name__ == "__main__":
    main(sys.argv[1:])
