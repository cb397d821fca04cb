#!/usr/bin/python3
"""PyTorch's own numbers for the convolutional layers, for test/torch-reference-cnn.test.ts.

    /usr/bin/python3 scripts/torch-reference-cnn.py [OUTPUT_DIR]   (default: test/fixtures/torch)

Writes test/fixtures/torch/cnn-layers.json (the image layers, for test/torch-reference-cnn.test.ts)
and test/fixtures/torch/norm-layers.json (every norm layer's parity table, for test/norm-parity.test.ts,
ε = 0 and constant channels included): one case per layer configuration. A case
names the layer and its constructor arguments (our TypeScript names), the initial
parameters, and a list of steps; each step runs the layer in train or eval mode on a
seeded input x [N, C, H, W], back-propagates dy, and records y, dx, the parameters'
gradients (zeroed before every step) and the buffers after the step. Tensors are
{"shape": [...], "data": [...]} with the numbers in row-major (NCHW) order.
Inputs come from numpy's PCG64 (stable across versions) rounded to 4 decimals;
outputs are written with Python's repr (the shortest string that reads back as the same double).

Needs Debian's python3-torch (and python3-numpy): apt-get install python3-torch.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)  # nothing below draws from torch's generator

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torch")


def arr(shape, seed, scale=1.0, offset=0.0):
    rng = np.random.default_rng(seed)
    return np.round(rng.standard_normal(shape) * scale + offset, 4)


def T(a):
    a = a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [float(v) for v in a.ravel()]}


def run(name, layer, args, module, steps, params=None, seed=0):
    """steps: list of (mode, x shape, input scale, input offset[, constant]). Parameters set from `params` (seeded) first.
    `constant` = (index, value): x[index] = value, e.g. ((slice(None), 0), 0.5) makes channel 0 constant."""
    params = params or {}
    with torch.no_grad():
        for pname, values in params.items():
            getattr(module, pname).copy_(torch.tensor(values))
    out_steps = []
    for i, (mode, shape, scale, offset, *constant) in enumerate(steps):
        module.train(mode == "train")
        module.zero_grad(set_to_none=True)
        x = arr(shape, seed + 10 * i, scale, offset)
        for index, value in constant:
            x[index] = value
        xt = torch.tensor(x, requires_grad=True)
        y = module(xt)
        dy = arr(tuple(y.shape), seed + 10 * i + 1)
        y.backward(torch.tensor(dy))
        step = {"mode": mode, "x": T(x), "dy": T(dy), "y": T(y), "dx": T(xt.grad),
                "grads": {n: T(p.grad) for n, p in module.named_parameters()},
                "buffers": {n: T(b.to(torch.float64)) for n, b in module.named_buffers()}}
        out_steps.append(step)
    return {"name": name, "layer": layer, "args": args, "params": {k: T(v) for k, v in params.items()}, "steps": out_steps}


def conv_params(o, c, k, seed, bias=True):
    p = {"weight": arr((o, c, k, k), seed, 0.5)}
    if bias:
        p["bias"] = arr((o,), seed + 1, 0.5)
    return p


def bn_params(c, seed):
    return {"weight": arr((c,), seed, 0.3, 1.0), "bias": arr((c,), seed + 1, 0.3)}


def cases():
    out = []
    S = [2, 3, 6, 5]
    # Conv2d: stride/padding/bias variants, non-square images
    for name, k, stride, pad, bias in [("conv k3", 3, 1, 0, True), ("conv k3 stride 2 padding 1", 3, 2, 1, True),
                                       ("conv k2 stride 2, no bias", 2, 2, 0, False), ("conv k5 padding 2", 5, 1, 2, True)]:
        m = nn.Conv2d(3, 4, k, stride=stride, padding=pad, bias=bias)
        out.append(run(name, "Conv2d", {"inChannels": 3, "outChannels": 4, "kernelSize": k, "stride": stride, "padding": pad, "bias": bias},
                       m, [("train", S, 1.0, 0.0)], conv_params(4, 3, k, 100 + k, bias), seed=1))
    # BatchNorm2d: training steps (running stats), then eval; per-channel offsets/scales
    C = 3
    scale = np.array([1.0, 3.0, 0.5])[None, :, None, None]
    def bn_case(name, args, steps, params=True, seed=2):
        m = nn.BatchNorm2d(C, eps=args.get("eps", 1e-5), momentum=args.get("momentum", 0.1),
                           affine=args.get("affine", True), track_running_stats=args.get("trackRunningStats", True))
        return run(name, "BatchNorm2d", {"numFeatures": C, **args}, m, steps, bn_params(C, 7) if params else None, seed)
    train3 = [("train", [4, C, 3, 3], 2.0, 1.0), ("train", [2, C, 4, 5], 1.0, -0.5), ("train", [3, C, 2, 2], 0.7, 0.3)]
    out.append(bn_case("bn2d train ×3 then eval", {}, train3 + [("eval", [2, C, 3, 3], 1.5, 0.2)]))
    out.append(bn_case("bn2d momentum null (cumulative)", {"momentum": None}, train3 + [("eval", [2, C, 3, 3], 1.0, 0.0)]))
    out.append(bn_case("bn2d momentum 0.3, eps 1e-3", {"momentum": 0.3, "eps": 1e-3}, train3[:2] + [("eval", [1, C, 2, 3], 1.0, 0.0)]))
    out.append(bn_case("bn2d affine off", {"affine": False}, train3[:2] + [("eval", [2, C, 2, 2], 1.0, 0.0)], params=False))
    out.append(bn_case("bn2d no running stats (eval uses batch stats)", {"trackRunningStats": False}, train3[:1] + [("eval", [3, C, 2, 3], 1.0, 0.5)]))
    out.append(bn_case("bn2d batch of one image", {}, [("train", [1, C, 3, 4], 1.0, 0.0), ("eval", [1, C, 3, 4], 1.0, 0.0)]))
    # pooling
    for name, layer, k, s in [("maxpool k2", "MaxPool2d", 2, None), ("maxpool k3 stride 2", "MaxPool2d", 3, 2),
                              ("avgpool k2", "AvgPool2d", 2, None), ("avgpool k3 stride 1", "AvgPool2d", 3, 1)]:
        m = (nn.MaxPool2d if layer == "MaxPool2d" else nn.AvgPool2d)(k, stride=s)
        out.append(run(name, layer, {"kernelSize": k, "stride": s}, m, [("train", [2, 3, 7, 6], 1.0, 0.0)], seed=3))
    # MaxPool2d with NaN: PyTorch lets any NaN in a window win (the last one, when there are two), forward and backward.
    # NaN is written as null in these cases only ("nanAllowed").
    nan = float("nan")
    holes = [((0, 0, 0, 0), nan), ((0, 0, 1, 4), nan), ((0, 0, 5, 2), nan), ((0, 0, 3, 3), nan), ((0, 0, 5, 5), nan)]
    for name, k, s in [("maxpool k3, NaN first, middle, last and twice in a window", 3, None), ("maxpool k2 stride 1 (overlapping), NaN", 2, 1)]:
        case = run(name, "MaxPool2d", {"kernelSize": k, "stride": s}, nn.MaxPool2d(k, stride=s), [("train", [1, 2, 6, 6], 1.0, 0.0, *holes)], seed=41)
        out.append({**case, "nanAllowed": True})
    # GroupNorm on NCHW
    for G in [1, 2, 4]:
        m = nn.GroupNorm(G, 4)
        out.append(run(f"groupnorm G={G} on NCHW", "GroupNorm", {"numGroups": G, "numChannels": 4}, m,
                       [("train", [3, 4, 3, 2], 2.0, 1.0)], bn_params(4, 9), seed=4))
    m = nn.GroupNorm(2, 4, affine=False)
    out.append(run("groupnorm affine off", "GroupNorm", {"numGroups": 2, "numChannels": 4, "affine": False}, m, [("train", [2, 4, 3, 3], 1.0, 0.0)], seed=5))
    # LayerNorm([C, H, W])
    m = nn.LayerNorm([3, 4, 2])
    out.append(run("layernorm [C,H,W]", "LayerNorm", {"normalizedShape": [3, 4, 2]}, m, [("train", [2, 3, 4, 2], 2.0, 1.0)],
                   {"weight": arr((3, 4, 2), 11, 0.3, 1.0), "bias": arr((3, 4, 2), 12, 0.3)}, seed=6))
    m = nn.LayerNorm([4, 2])
    out.append(run("layernorm [H,W]", "LayerNorm", {"normalizedShape": [4, 2]}, m, [("train", [2, 3, 4, 2], 1.0, 0.0)],
                   {"weight": arr((4, 2), 13, 0.3, 1.0), "bias": arr((4, 2), 14, 0.3)}, seed=7))
    # InstanceNorm2d
    m = nn.InstanceNorm2d(3)
    out.append(run("instancenorm defaults", "InstanceNorm2d", {"numFeatures": 3}, m, [("train", [2, 3, 4, 3], 2.0, 1.0), ("eval", [2, 3, 3, 3], 1.0, 0.0)], seed=8))
    m = nn.InstanceNorm2d(3, affine=True, track_running_stats=True, momentum=0.2)
    out.append(run("instancenorm affine, running stats", "InstanceNorm2d", {"numFeatures": 3, "affine": True, "trackRunningStats": True, "momentum": 0.2}, m,
                   [("train", [2, 3, 4, 3], 2.0, 1.0), ("train", [3, 3, 2, 2], 1.0, -1.0), ("eval", [2, 3, 3, 3], 1.0, 0.0)], bn_params(3, 15), seed=9))
    return out


class GhostBatchNorm1d(nn.BatchNorm1d):
    """Ghost batch norm as it is usually written: BatchNorm1d on each chunk of virtual_batch_size rows (torch.split)."""

    def __init__(self, c, virtual_batch_size, **kw):
        super().__init__(c, **kw)
        self.vbs = virtual_batch_size

    def forward(self, x):
        if not self.training and self.track_running_stats:
            return super().forward(x)
        return torch.cat([super(GhostBatchNorm1d, self).forward(chunk) for chunk in x.split(self.vbs)])


class BatchRenorm1d(nn.Module):
    """Batch renormalization (Ioffe 2017) from torch's own pieces: x̂_B = F.batch_norm with batch statistics
    (PyTorch's ε = 0 rule included), r and d detached, PyTorch's running-average convention."""

    def __init__(self, c, eps, momentum, rmax, dmax, affine=True):
        super().__init__()
        self.eps, self.momentum, self.rmax, self.dmax = eps, momentum, rmax, dmax
        if affine:
            self.weight = nn.Parameter(torch.ones(c))
            self.bias = nn.Parameter(torch.zeros(c))
        else:
            self.weight = self.bias = None
        self.register_buffer("running_mean", torch.zeros(c))
        self.register_buffer("running_var", torch.ones(c))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        if not self.training:
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
        n = x.shape[0]
        mu = x.mean(0)
        var = x.var(0, unbiased=False)
        sigma = (self.running_var + self.eps).sqrt()
        r = ((var + self.eps).sqrt() / sigma).clamp(1 / self.rmax, self.rmax).detach()
        d = ((mu - self.running_mean) / sigma).clamp(-self.dmax, self.dmax).detach()
        xhat = F.batch_norm(x, None, None, None, None, True, 0.0, self.eps) * r + d
        with torch.no_grad():
            self.num_batches_tracked += 1
            m = 1 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
            self.running_mean.mul_(1 - m).add_(mu.detach() * m)
            self.running_var.mul_(1 - m).add_(var.detach() * n / (n - 1) * m)
        return xhat * self.weight + self.bias if self.weight is not None else xhat


def norm_cases():
    """The parity table: every norm layer, ε = 0 on constant channels, momentum null, affine off, no running stats, train and eval."""
    out = []
    C = 3
    FLAT = (slice(None), 0)  # channel 0 of every example: a constant feature / channel

    def options(args):
        return dict(eps=args.get("eps", 1e-5), momentum=args.get("momentum", 0.1), affine=args.get("affine", True),
                    track_running_stats=args.get("trackRunningStats", True))

    def variants(layer, make, shape, eval_shape, params, seed, extra=None):
        """The same options table for every layer with running statistics."""
        extra = extra or {}
        train = [("train", shape, 2.0, 1.0), ("train", shape, 1.0, -0.5)]
        flat = [("train", shape, 1.5, 0.3, (FLAT, 0.5)), ("train", shape, 1.0, 0.0, (FLAT, -2.0)), ("eval", eval_shape, 1.0, 0.0, (FLAT, 0.5))]
        table = [
            ("defaults, train ×2 then eval", {}, train + [("eval", eval_shape, 1.0, 0.0)]),
            ("momentum null (cumulative average)", {"momentum": None}, train + [("eval", eval_shape, 1.0, 0.0)]),
            ("affine off", {"affine": False}, train + [("eval", eval_shape, 1.0, 0.0)]),
            ("no running statistics (eval uses batch statistics)", {"trackRunningStats": False}, train[:1] + [("eval", shape, 1.0, 0.5)]),
            ("eps 0, a constant channel", {"eps": 0.0}, flat),
            ("eps 0, a constant channel, affine off", {"eps": 0.0, "affine": False}, flat[:1]),
            ("eps 0, a constant channel, no running statistics", {"eps": 0.0, "trackRunningStats": False}, flat[:1] + [("eval", shape, 1.0, 0.0, (FLAT, 0.5))]),
        ]
        for name, args, steps in table:
            full = {"numFeatures": C, **extra, **args}
            out.append(run(name, layer, full, make(full), steps, params if args.get("affine", True) else None, seed))

    variants("BatchNorm1d", lambda a: nn.BatchNorm1d(C, **options(a)), [6, C], [2, C], bn_params(C, 21), 30)
    variants("BatchNorm2d", lambda a: nn.BatchNorm2d(C, **options(a)), [2, C, 3, 2], [1, C, 2, 2], bn_params(C, 22), 31)
    variants("GhostBatchNorm1d", lambda a: GhostBatchNorm1d(C, a["virtualBatchSize"], **options(a)), [8, C], [3, C], bn_params(C, 23), 32,
             {"virtualBatchSize": 3})

    # InstanceNorm2d: PyTorch's defaults are affine off and no running statistics; a channel constant within each image
    def instance(a):
        return nn.InstanceNorm2d(C, eps=a.get("eps", 1e-5), momentum=a.get("momentum", 0.1), affine=a.get("affine", False),
                                 track_running_stats=a.get("trackRunningStats", False))
    flat = [("train", [2, C, 3, 3], 1.5, 0.3, (FLAT, 0.5)), ("train", [2, C, 2, 3], 1.0, 0.0, ((0, 1), -2.0))]
    for name, args, steps in [
        ("defaults", {}, [("train", [2, C, 4, 3], 2.0, 1.0), ("eval", [2, C, 3, 3], 1.0, 0.0)]),
        ("affine, running statistics, momentum 0.2", {"affine": True, "trackRunningStats": True, "momentum": 0.2},
         [("train", [2, C, 4, 3], 2.0, 1.0), ("train", [3, C, 2, 2], 1.0, -1.0), ("eval", [2, C, 3, 3], 1.0, 0.0)]),
        ("affine, no running statistics", {"affine": True}, [("train", [2, C, 3, 3], 1.0, 0.0), ("eval", [1, C, 2, 2], 1.0, 0.0)]),
        ("eps 0, constant channels", {"eps": 0.0}, flat),
        ("eps 0, constant channels, affine, running statistics", {"eps": 0.0, "affine": True, "trackRunningStats": True},
         flat + [("eval", [1, C, 2, 2], 1.0, 0.0)]),
    ]:
        full = {"numFeatures": C, **args}
        out.append(run(name, "InstanceNorm2d", full, instance(full), steps, bn_params(C, 24) if args.get("affine") else None, 33))

    # BatchRenorm1d: rmax/dmax clip, and the unclipped case (rmax, dmax large)
    def renorm(a):
        return BatchRenorm1d(C, a.get("eps", 1e-5), a.get("momentum", 0.01), a.get("rmax", 3), a.get("dmax", 5), a.get("affine", True))
    train = [("train", [6, C], 2.0, 1.0), ("train", [6, C], 1.0, -0.5), ("train", [5, C], 0.5, 0.2)]
    for name, args, steps in [
        ("defaults (rmax 3, dmax 5), train ×3 then eval", {}, train + [("eval", [2, C], 1.0, 0.0)]),
        ("tight clip rmax 1.2, dmax 0.1, momentum 0.3", {"rmax": 1.2, "dmax": 0.1, "momentum": 0.3}, train + [("eval", [2, C], 1.0, 0.0)]),
        ("momentum null (cumulative average)", {"momentum": None}, train),
        ("affine off", {"affine": False}, train[:2]),
        ("eps 0, a constant channel", {"eps": 0.0, "momentum": 0.1},
         [("train", [6, C], 1.5, 0.3, (FLAT, 0.5)), ("train", [6, C], 1.0, 0.0, (FLAT, -2.0)), ("eval", [2, C], 1.0, 0.0, (FLAT, 0.5))]),
    ]:
        full = {"numFeatures": C, **args}
        out.append(run(name, "BatchRenorm1d", full, renorm(full), steps, bn_params(C, 25) if args.get("affine", True) else None, 34))

    # LayerNorm and GroupNorm: no running statistics; ε = 0 on a constant row is NaN in PyTorch (0/0), so not in a fixture
    for name, args, shape in [("LayerNorm(4)", {"normalizedShape": 4}, [5, 4]), ("LayerNorm(4), eps 1e-3", {"normalizedShape": 4, "eps": 1e-3}, [3, 4])]:
        m = nn.LayerNorm(4, eps=args.get("eps", 1e-5))
        out.append(run(name, "LayerNorm", args, m, [("train", shape, 2.0, 1.0), ("eval", shape, 1.0, 0.0)],
                       {"weight": arr((4,), 26, 0.3, 1.0), "bias": arr((4,), 27, 0.3)}, 35))
    for name, args, shape in [("GroupNorm(2, 4) on [N, C]", {"numGroups": 2, "numChannels": 4}, [5, 4]),
                              ("GroupNorm(2, 4) on NCHW, affine off", {"numGroups": 2, "numChannels": 4, "affine": False}, [2, 4, 2, 3])]:
        m = nn.GroupNorm(2, 4, affine=args.get("affine", True))
        out.append(run(name, "GroupNorm", args, m, [("train", shape, 2.0, 1.0), ("eval", shape, 1.0, 0.0)],
                       bn_params(4, 28) if args.get("affine", True) else None, 36))
    return out


def fmt(x, indent=0, nan_allowed=False):
    """JSON with every float as Python's repr; NaN is null inside a case marked "nanAllowed", and refused elsewhere."""
    pad = " " * indent
    if isinstance(x, dict):
        if not x:
            return "{}"
        nan_allowed = nan_allowed or x.get("nanAllowed") is True
        if set(x) == {"shape", "data"}:
            return "{" + f'"shape": {json.dumps(x["shape"])}, "data": [' + ", ".join(fmt(v, 0, nan_allowed) for v in x["data"]) + "]}"
        items = [f"{pad}  {json.dumps(k)}: {fmt(v, indent + 2, nan_allowed)}" for k, v in x.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(x, list):
        return "[\n" + ",\n".join(f"{pad}  {fmt(v, indent + 2, nan_allowed)}" for v in x) + "\n" + pad + "]"
    if isinstance(x, float):
        if math.isnan(x) and nan_allowed:
            return "null"
        if not math.isfinite(x):
            raise ValueError("non-finite number in a fixture")
        return repr(x)
    return json.dumps(x)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    doc = {"generator": "scripts/torch-reference-cnn.py", "torch": torch.__version__.split("+")[0], "cases": cases()}
    with open(os.path.join(OUT, "cnn-layers.json"), "w", encoding="utf-8") as f:
        f.write(fmt(doc) + "\n")
    norms = {"generator": "scripts/torch-reference-cnn.py", "torch": torch.__version__.split("+")[0], "cases": norm_cases()}
    with open(os.path.join(OUT, "norm-layers.json"), "w", encoding="utf-8") as f:
        f.write(fmt(norms) + "\n")
