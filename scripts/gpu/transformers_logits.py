#!/usr/bin/env python3
"""Logits of Hugging Face transformers on model folders, for comparison with the native engine.

    python3 transformers_logits.py OUT.json NAME=MODEL_DIR[:GENERATOR_ARGS] ...

For every folder it loads the model with transformers (float32 weights, eager attention), runs the
fixed token sequences below on the CPU and, when there is one, on the GPU in float32 with TF32
disabled, and writes every position's logits plus the CPU/GPU difference. GENERATOR_ARGS (the
arguments scripts/tiny_models/make_weights.py was given, with ',' for spaces) are copied into the
output so the Swift test can regenerate the same folder and compare its own logits.
"""
import json
import sys

import torch
import transformers
from transformers import AutoModelForCausalLM


def sequences(vocab):
    out = []
    state = 12345
    for length in (7, 19, 48):
        seq = []
        for _ in range(length):
            state = (state * 1103515245 + 12345) % (1 << 31)
            seq.append(state % vocab)
        out.append(seq)
    return out


def logits(model, seq, device):
    with torch.no_grad():
        ids = torch.tensor([seq], dtype=torch.long, device=device)
        return model(input_ids=ids).logits[0].double().cpu()


def main(out_path, specs):
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    result = {"transformers": transformers.__version__, "torch": torch.__version__,
              "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None, "models": {}}
    for spec in specs:
        name, rest = spec.split("=", 1)
        folder, _, gen_args = rest.partition(":")
        model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32, attn_implementation="eager")
        model.eval()
        entry = {"generator_args": gen_args.replace(",", " ").split() if gen_args else [], "runs": []}
        for seq in sequences(model.config.vocab_size):
            cpu = logits(model, seq, "cpu")
            run = {"tokens": seq, "cpu_logits": cpu.tolist()}
            if torch.cuda.is_available():
                gpu_model = model.to("cuda")
                gpu = logits(gpu_model, seq, "cuda")
                model = gpu_model.to("cpu")
                run["gpu_logits"] = gpu.tolist()
                run["cpu_gpu_max_abs_diff"] = float((cpu - gpu).abs().max())
            entry["runs"].append(run)
        result["models"][name] = entry
        print(name, [r.get("cpu_gpu_max_abs_diff") for r in entry["runs"]], flush=True)
    with open(out_path, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
