"""PyTorch eager baseline for benchmarks/src/compare.ts (Debian's python3-torch, 1.13 on bookworm).

transformers' ViTForImageClassification written with torch.nn.functional over the benchmark's own
safetensors checkpoint (read directly: 8-byte header length, JSON header, raw little-endian data), fp32,
no_grad. Prints one JSON object: median ms per step, min, peak RSS, threads, and the logits' largest
difference from the reference logits file (float32, written by compare.ts from purevit's output).

  python3 benchmarks/peers/torch_vit.py --dir CHECKPOINT --threads 1 --batch 1 --warmup 1 --iterations 5 \
      --pixels pixels.f32 --reference logits.f32
"""

import argparse
import json
import math
import resource
import struct
import time

import torch
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: only F32 is supported, got {info['dtype']}")
        start, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[base + start : base + end]), dtype=torch.float32)
        tensors[name] = t.reshape(info["shape"])
    return tensors


def vit_forward(w, cfg, pixels):
    d, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    p = cfg["patch_size"]
    b = pixels.shape[0]
    x = F.conv2d(pixels, w["vit.embeddings.patch_embeddings.projection.weight"], w["vit.embeddings.patch_embeddings.projection.bias"], stride=p)
    x = x.flatten(2).transpose(1, 2)
    x = torch.cat([w["vit.embeddings.cls_token"].expand(b, -1, -1), x], dim=1) + w["vit.embeddings.position_embeddings"]
    t = x.shape[1]
    hd = d // heads
    for i in range(cfg["num_hidden_layers"]):
        a = f"vit.encoder.layer.{i}"
        h = F.layer_norm(x, (d,), w[f"{a}.layernorm_before.weight"], w[f"{a}.layernorm_before.bias"], eps)

        def proj(m):
            y = F.linear(h, w[f"{a}.attention.attention.{m}.weight"], w[f"{a}.attention.attention.{m}.bias"])
            return y.view(b, t, heads, hd).transpose(1, 2)

        q, k, v = proj("query"), proj("key"), proj("value")
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
        ctx = (probs @ v).transpose(1, 2).reshape(b, t, d)
        x = x + F.linear(ctx, w[f"{a}.attention.output.dense.weight"], w[f"{a}.attention.output.dense.bias"])
        h = F.layer_norm(x, (d,), w[f"{a}.layernorm_after.weight"], w[f"{a}.layernorm_after.bias"], eps)
        h = F.gelu(F.linear(h, w[f"{a}.intermediate.dense.weight"], w[f"{a}.intermediate.dense.bias"]))
        x = x + F.linear(h, w[f"{a}.output.dense.weight"], w[f"{a}.output.dense.bias"])
    x = F.layer_norm(x, (d,), w["vit.layernorm.weight"], w["vit.layernorm.bias"], eps)
    return F.linear(x[:, 0], w["classifier.weight"], w["classifier.bias"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--pixels", required=True, help="float32 [batch, 3, H, W] input, raw little-endian")
    ap.add_argument("--reference", help="float32 logits of the first image, raw little-endian")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    with open(f"{args.dir}/config.json") as f:
        cfg = json.load(f)
    t0 = time.perf_counter()
    w = load_safetensors(f"{args.dir}/model.safetensors")
    load_ms = (time.perf_counter() - t0) * 1000
    size = cfg["image_size"]
    with open(args.pixels, "rb") as f:
        pixels = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(args.batch, 3, size, size)
    steps = []
    with torch.no_grad():
        for i in range(args.warmup + args.iterations):
            s = time.perf_counter()
            logits = vit_forward(w, cfg, pixels)
            if i >= args.warmup:
                steps.append((time.perf_counter() - s) * 1000)
    diff = None
    if args.reference:
        with open(args.reference, "rb") as f:
            ref = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
        diff = float((logits[0] - ref).abs().max())
    steps.sort()
    n = len(steps)
    median = steps[n // 2] if n % 2 else (steps[n // 2 - 1] + steps[n // 2]) / 2
    print(json.dumps({
        "step_time": median, "step_time_min": steps[0], "load_ms": load_ms,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "max_abs_diff": diff, "threads": torch.get_num_threads(),
        "notes": f"torch {torch.__version__} eager, set_num_threads({args.threads})",
    }))


if __name__ == "__main__":
    main()
