#!/usr/bin/env python3
"""PyTorch side of `npm run bench` (bench/inference.ts runs it; bench only, not a test).

1. Exports torchvision's resnet50, resnext50_32x4d and inception_v3 (random weights, fixed seed,
   eval mode, Inception without its auxiliary classifier) to ONNX: one input `input`, NCHW, fixed
   224x224 (299x299 for Inception-v3) with a dynamic batch axis, output `output` (logits). Files
   are cached under --out by torch version and opset, so later runs skip the export.
2. Times PyTorch's own CPU inference of the same modules (torch.set_num_threads(--threads),
   no_grad): warm-up, then interleaved rounds over models, at each batch size.

Prints one JSON object on stdout (progress goes to stderr):
  {"torch": ..., "torchvision": ..., "threads": n, "opset": n,
   "models": {"resnet50": {"onnx": path, "params": n, "input": [3, 224, 224],
                           "eager_ms": {"1": [...], "8": [...]}}, ...}}

  python3 bench/pytorch/export_onnx.py --out bench/.cache/onnx [--rounds 7] [--batches 1,8]
                                       [--threads 2] [--no-time]
"""

import argparse
import json
import os
import sys
import time
import warnings

import torch
import torchvision

MODELS = {
    # name: (constructor, input size)
    "resnet50": (lambda: torchvision.models.resnet50(weights=None), 224),
    "resnext50": (lambda: torchvision.models.resnext50_32x4d(weights=None), 224),
    "inception_v3": (
        lambda: torchvision.models.inception_v3(
            weights=None, aux_logits=False, init_weights=True
        ),
        299,
    ),
}
OPSET = 17


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def build(name):
    torch.manual_seed(0)
    make, size = MODELS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make()
    return model.eval(), size


def export(model, size, path):
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(
            model,
            torch.randn(1, 3, size, size),
            tmp,
            input_names=["input"],
            output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
            opset_version=OPSET,
            do_constant_folding=True,
        )
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--batches", default="1,8")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-time", action="store_true")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    version = torch.__version__.replace("+", "_")
    batches = [int(b) for b in args.batches.split(",") if b]
    result = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "threads": torch.get_num_threads(),
        "opset": OPSET,
        "models": {},
    }
    models = {}
    for name in MODELS:
        model, size = build(name)
        path = os.path.abspath(os.path.join(args.out, f"{name}-torch{version}-opset{OPSET}.onnx"))
        if not os.path.exists(path):
            t = time.perf_counter()
            export(model, size, path)
            log(f"exported {name} to {path} in {time.perf_counter() - t:.1f} s")
        models[name] = (model, size)
        result["models"][name] = {
            "onnx": path,
            "params": sum(p.numel() for p in model.parameters()),
            "input": [3, size, size],
            "eager_ms": {},
        }

    if not args.no_time:
        with torch.no_grad():
            for batch in batches:
                inputs = {
                    name: torch.rand(batch, 3, size, size, generator=torch.Generator().manual_seed(7))
                    for name, (_, size) in models.items()
                }
                for name, (model, _) in models.items():
                    for _ in range(args.warmup):
                        model(inputs[name])
                times = {name: [] for name in models}
                for _ in range(args.rounds):
                    for name, (model, _) in models.items():
                        t = time.perf_counter()
                        model(inputs[name])
                        times[name].append((time.perf_counter() - t) * 1000)
                for name in models:
                    result["models"][name]["eager_ms"][str(batch)] = times[name]
                log(f"timed PyTorch eager at batch {batch}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
