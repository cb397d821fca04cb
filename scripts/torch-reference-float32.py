#!/usr/bin/python3
"""PyTorch float32 training steps, for test/float32.test.ts (setPrecision("float32")).

    /usr/bin/python3 scripts/torch-reference-float32.py [OUTPUT_DIR]   (default: test/fixtures/torch)

Writes float32.json: a few SGD steps of an MLP with BatchNorm1d (Linear 64→32 → BN → Sigmoid →
Linear 32→32 → BN → Sigmoid → Linear 32→10) and of a small CNN with BatchNorm2d (Conv2d 1→4, 3×3,
padding 1 → BN → ReLU → MaxPool 2 → Conv2d 4→8, 3×3 → BN → ReLU → MaxPool 2 → Flatten → Linear 32→10)
on 12×12 images, each model run twice from the same numbers: in float32 (what the float32 products
are compared with) and in float64 (what the default precision matches closely). Initial parameters and
inputs come from numpy's PCG64 rounded to 4 decimals; tensors are flat lists in row-major order, written
with Python's repr of the (float32 or float64) value as a double.

Needs Debian's python3-torch (and python3-numpy): apt-get install python3-torch.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)  # nothing below draws from torch's generator
torch.set_num_threads(1)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torch")
STEPS = 3
LR = 0.1


def arr(shape, seed, scale=1.0, offset=0.0):
    return np.round(np.random.default_rng(seed).standard_normal(shape) * scale + offset, 4)


def flat(x):
    return [float(v) for v in x.detach().double().numpy().ravel()]


def mlp():
    return nn.Sequential(nn.Linear(64, 32), nn.BatchNorm1d(32), nn.Sigmoid(), nn.Linear(32, 32), nn.BatchNorm1d(32), nn.Sigmoid(), nn.Linear(32, 10))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 8, 3), nn.BatchNorm2d(8),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32, 10))


def case(make, input_shape, seed):
    """The initial parameters, the batches, and each step's loss and logits and the final parameters per dtype."""
    net = make()
    init = {}
    for i, (name, p) in enumerate(net.named_parameters()):
        fan_in = p[0].numel() if p.dim() > 1 else 1
        if name.endswith("weight") and p.dim() == 1:  # a BN scale
            init[name] = arr(p.shape, seed + i, 0.2, 1.0)
        else:
            init[name] = arr(p.shape, seed + i, 1.0 / np.sqrt(fan_in if p.dim() > 1 else 16))
    batches = [(arr(input_shape, seed + 100 + s, 0.5, 0.3), [int(v) for v in np.random.default_rng(seed + 200 + s).integers(0, 10, input_shape[0])])
               for s in range(STEPS)]
    out = {"init": {k: [float(v) for v in a.ravel()] for k, a in init.items()},
           "batches": [{"x": [float(v) for v in x.ravel()], "shape": list(input_shape), "targets": y} for x, y in batches]}
    for dtype, key in ((torch.float32, "float32"), (torch.float64, "float64")):
        net = make().to(dtype).train()
        with torch.no_grad():
            for name, p in net.named_parameters():
                p.copy_(torch.tensor(init[name], dtype=dtype))
        opt = torch.optim.SGD(net.parameters(), lr=LR)
        steps = []
        for x, y in batches:
            opt.zero_grad()
            logits = net(torch.tensor(x, dtype=dtype))
            loss = F.cross_entropy(logits, torch.tensor(y, dtype=torch.long))
            loss.backward()
            opt.step()
            steps.append({"loss": float(loss.item()), "logits": flat(logits)})
        out[key] = {"steps": steps, "final": {name: flat(p) for name, p in net.named_parameters()}}
    return out


if __name__ == "__main__":
    doc = {
        "generator": "scripts/torch-reference-float32.py",
        "torch": torch.__version__.split("+")[0],
        "sgd": {"lr": LR},
        "mlp": case(mlp, (20, 64), 4000),
        "cnn": case(cnn, (8, 1, 12, 12), 5000),
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "float32.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(os.path.join(OUT, 'float32.json'))}")
