"""PyTorch side of `npm run bench`: the same reference MLP and LeNet-style CNN, trained step by step.

Started once by bench/train-bench.ts with OPENBLAS_NUM_THREADS=1 and driven over
stdin, so that our runs and PyTorch's alternate in one benchmark:

  ready                      <- printed once the four models are built and warm
  run <variant> <seconds>    -> {"variant": ..., "steps": n, "seconds": s}
  quit

Variants: bn64, plain64, bn32, plain32 (the MLP with/without BatchNorm1d, float64/float32),
cnn64, cnnPlain64, cnn32 and cnnPlain32 (the CNN with/without BatchNorm2d, float64/float32).
Inputs are random (speed does not depend on the data): 784 features, 10 classes, batch 60 for the
MLP; 1x28x28 images, batch 64 for the CNN.
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)

SIZES = [784, 100, 100, 100, 10]
BATCH = 60
NUM_BATCHES = 50


def make_model(bn: bool, dtype: torch.dtype) -> torch.nn.Module:
    layers = []
    for i in range(len(SIZES) - 1):
        layers.append(torch.nn.Linear(SIZES[i], SIZES[i + 1]))
        if i + 2 < len(SIZES):
            if bn:
                layers.append(torch.nn.BatchNorm1d(SIZES[i + 1]))
            layers.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers).to(dtype)


CNN_BATCH = 64
CNN_LR = 0.05


def make_cnn(bn: bool, dtype: torch.dtype) -> torch.nn.Module:
    """LeNet-style (d2l's LeNet with ReLU and max pooling): conv 6@5x5 pad 2 -> [BN2d] -> ReLU -> pool 2
    -> conv 16@5x5 -> [BN2d] -> ReLU -> pool 2 -> flatten 400 -> 120 -> ReLU -> 84 -> ReLU -> 10."""
    nn = torch.nn
    layers = [nn.Conv2d(1, 6, 5, padding=2)] + ([nn.BatchNorm2d(6)] if bn else []) + [nn.ReLU(), nn.MaxPool2d(2)]
    layers += [nn.Conv2d(6, 16, 5)] + ([nn.BatchNorm2d(16)] if bn else []) + [nn.ReLU(), nn.MaxPool2d(2)]
    layers += [nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)]
    return nn.Sequential(*layers).to(dtype)


def make_runner(bn: bool, dtype: torch.dtype, cnn: bool = False):
    model = (make_cnn(bn, dtype) if cnn else make_model(bn, dtype)).train()
    opt = torch.optim.SGD(model.parameters(), lr=CNN_LR if cnn else 0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
    shape = (CNN_BATCH, 1, 28, 28) if cnn else (BATCH, SIZES[0])
    xs = [torch.rand(*shape, dtype=dtype) for _ in range(NUM_BATCHES)]
    ys = [torch.randint(0, 10, (shape[0],)) for _ in range(NUM_BATCHES)]

    def step(k: int) -> float:
        opt.zero_grad()
        loss = loss_fn(model(xs[k % NUM_BATCHES]), ys[k % NUM_BATCHES])
        loss.backward()
        opt.step()
        return loss.item()

    return step


def timed(step, seconds: float):
    steps = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        for _ in range(10):
            step(steps)
            steps += 1
        elapsed = time.perf_counter() - start
    return steps, elapsed


def main() -> None:
    runners = {
        "bn64": make_runner(True, torch.float64),
        "plain64": make_runner(False, torch.float64),
        "bn32": make_runner(True, torch.float32),
        "plain32": make_runner(False, torch.float32),
        "cnn64": make_runner(True, torch.float64, cnn=True),
        "cnnPlain64": make_runner(False, torch.float64, cnn=True),
        "cnn32": make_runner(True, torch.float32, cnn=True),
        "cnnPlain32": make_runner(False, torch.float32, cnn=True),
    }
    for step in runners.values():
        timed(step, 0.2)  # warm-up
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "run":
            steps, elapsed = timed(runners[words[1]], float(words[2]))
            print(json.dumps({"variant": words[1], "steps": steps, "seconds": elapsed}), flush=True)


if __name__ == "__main__":
    main()
