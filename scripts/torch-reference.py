#!/usr/bin/python3
"""Reference numbers from PyTorch itself, for test/torch-reference.test.ts.

    /usr/bin/python3 scripts/torch-reference.py [OUTPUT_DIR]   (default: test/fixtures/torch)

Writes one JSON file per topic. Everything is float64 and deterministic: inputs come
from seeded numpy generators (PCG64, stable across numpy versions) rounded to 4
decimals, so the inputs are short and readable; outputs are written with Python's
repr, the shortest string that reads back as exactly the same double. The committed
fixtures let the TypeScript test run without torch; the test re-runs this script
when torch is available and checks the committed files are up to date.

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
torch.manual_seed(0)  # nothing below draws from torch's generator; set for safety

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torch")


# ---------------------------------------------------------------- helpers

def data(rows, cols, seed, scale=1.0, offset=0.0):
    """A (rows × cols) float64 array, column j ~ N(offset[j], scale[j]²), rounded to 4 decimals."""
    rng = np.random.default_rng(seed)
    scale = np.broadcast_to(np.asarray(scale, dtype=np.float64), (cols,))
    offset = np.broadcast_to(np.asarray(offset, dtype=np.float64), (cols,))
    return np.round(rng.standard_normal((rows, cols)) * scale + offset, 4)


def vec(n, seed, scale=1.0, offset=0.0):
    return data(1, n, seed, scale, offset)[0]


def t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


def L(x):
    """A tensor or array as nested Python lists of floats."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    x = np.asarray(x, dtype=np.float64)
    return x.tolist()


def num(x):
    return float(x.detach().item()) if isinstance(x, torch.Tensor) else float(x)


def set_param(p, values):
    with torch.no_grad():
        p.copy_(t(values))


def fmt(x, indent=0):
    """JSON with full-precision floats (repr), one matrix row per line, objects indented."""
    pad = " " * indent
    if isinstance(x, dict):
        if not x:
            return "{}"
        items = [f'{pad}  {json.dumps(k)}: {fmt(v, indent + 2)}' for k, v in x.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(x, (list, tuple)):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in x):
            return "[" + ", ".join(fmt(v) for v in x) + "]"
        if all(isinstance(v, (list, tuple)) for v in x) and all(
            all(isinstance(u, (int, float)) and not isinstance(u, bool) for u in v) for v in x
        ):
            return "[\n" + ",\n".join(f"{pad}  {fmt(v)}" for v in x) + "\n" + pad + "]"
        return "[\n" + ",\n".join(f"{pad}  {fmt(v, indent + 2)}" for v in x) + "\n" + pad + "]"
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return json.dumps(x)
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError("non-finite number in a fixture")
        return repr(x)
    raise TypeError(type(x))


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    doc = {"generator": "scripts/torch-reference.py", "torch": torch.__version__.split("+")[0], **obj}
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        f.write(fmt(doc) + "\n")


def grads_of(module):
    return {name: L(p.grad) for name, p in module.named_parameters()}


def bn_buffers(bn):
    return {
        "running_mean": L(bn.running_mean),
        "running_var": L(bn.running_var),
        "num_batches_tracked": int(bn.num_batches_tracked.item()),
    }


def forward_backward(module, x, dy):
    """y = module(x), then backward of Σ dy·y: returns y, dx, parameter grads."""
    module.zero_grad(set_to_none=True)
    xt = t(x, grad=True)
    y = module(xt)
    y.backward(t(dy))
    return {"y": L(y), "dx": L(xt.grad), "grads": grads_of(module)}


# ---------------------------------------------------------------- BatchNorm1d

def batchnorm():
    F5 = 5
    scales = [1.0, 0.5, 3.0, 10.0, 0.1]
    offsets = [0.0, 2.0, -5.0, 30.0, 0.7]
    gamma = [1.5, 0.5, -0.8, 2.0, 1.0]
    beta = [0.1, -0.3, 0.0, 1.2, -2.0]
    cases = {}

    # 1. Training steps with default eps/momentum and non-trivial γ, β; then eval; backward both modes.
    bn = nn.BatchNorm1d(F5)
    set_param(bn.weight, gamma)
    set_param(bn.bias, beta)
    steps = []
    for s in range(4):
        x = data(8, F5, 100 + s, scales, offsets)
        y = bn(t(x))
        steps.append({"x": L(x), "y": L(y), **bn_buffers(bn)})
    x_eval = data(6, F5, 200, scales, offsets)
    bn.eval()
    y_eval = bn(t(x_eval))
    # backward in eval mode (running statistics are constants)
    dy_eval = data(6, F5, 201)
    back_eval = forward_backward(bn, x_eval, dy_eval)
    # backward in training mode (one more training step: the buffers move once more)
    bn.train()
    x_tr = data(8, F5, 202, scales, offsets)
    dy_tr = data(8, F5, 203)
    back_train = forward_backward(bn, x_tr, dy_tr)
    cases["training"] = {
        "options": {"eps": 1e-5, "momentum": 0.1},
        "weight": gamma,
        "bias": beta,
        "steps": steps,
        "eval": {"x": L(x_eval), "y": L(y_eval)},
        "eval_backward": {"x": L(x_eval), "dy": L(dy_eval), **back_eval},
        "train_backward": {"x": L(x_tr), "dy": L(dy_tr), **back_train, "after": bn_buffers(bn)},
    }

    # 2. momentum=None: cumulative average over 5 steps, then eval.
    bn = nn.BatchNorm1d(F5, momentum=None)
    steps = []
    for s in range(5):
        x = data(8, F5, 300 + s, scales, offsets)
        y = bn(t(x))
        steps.append({"x": L(x), "y": L(y), **bn_buffers(bn)})
    bn.eval()
    x_eval = data(4, F5, 310, scales, offsets)
    cases["momentum_none"] = {
        "options": {"eps": 1e-5, "momentum": None},
        "steps": steps,
        "eval": {"x": L(x_eval), "y": L(bn(t(x_eval)))},
    }

    # 3. affine=False: no parameters; forward/backward in training, then eval forward/backward.
    bn = nn.BatchNorm1d(F5, affine=False)
    x = data(8, F5, 400, scales, offsets)
    dy = data(8, F5, 401)
    train = forward_backward(bn, x, dy)
    after = bn_buffers(bn)
    bn.eval()
    x_eval = data(4, F5, 402, scales, offsets)
    dy_eval = data(4, F5, 403)
    ev = forward_backward(bn, x_eval, dy_eval)
    cases["affine_false"] = {
        "options": {"affine": False},
        "train": {"x": L(x), "dy": L(dy), **train, "after": after},
        "eval": {"x": L(x_eval), "dy": L(dy_eval), **ev},
    }

    # 4. track_running_stats=False: batch statistics in eval too (and gradients through them).
    bn = nn.BatchNorm1d(F5, track_running_stats=False)
    set_param(bn.weight, gamma)
    set_param(bn.bias, beta)
    x = data(8, F5, 500, scales, offsets)
    dy = data(8, F5, 501)
    train = forward_backward(bn, x, dy)
    bn.eval()
    ev = forward_backward(bn, x, dy)
    one_eval_error = None
    try:
        bn(t(data(1, F5, 502)))
    except ValueError as e:
        one_eval_error = str(e).split(",")[0]
    cases["track_running_stats_false"] = {
        "options": {"trackRunningStats": False},
        "weight": gamma,
        "bias": beta,
        "train": {"x": L(x), "dy": L(dy), **train},
        "eval": {"x": L(x), "dy": L(dy), **ev},
        "eval_batch_of_one_error": one_eval_error,
    }

    # 5. The smallest legal batch (2), and a batch of one (an error in training).
    bn = nn.BatchNorm1d(F5)
    set_param(bn.weight, gamma)
    set_param(bn.bias, beta)
    x = data(2, F5, 600, scales, offsets)
    dy = data(2, F5, 601)
    train = forward_backward(bn, x, dy)
    after = bn_buffers(bn)
    err = None
    try:
        bn(t(data(1, F5, 602)))
    except ValueError as e:
        err = str(e).split(",")[0]
    bn.eval()
    x1 = data(1, F5, 603, scales, offsets)
    cases["batch_of_two"] = {
        "options": {},
        "weight": gamma,
        "bias": beta,
        "train": {"x": L(x), "dy": L(dy), **train, "after": after},
        "batch_of_one_training_error": err,
        "eval_single": {"x": L(x1), "y": L(bn(t(x1)))},
    }

    # 6. Custom eps and momentum, 3 steps, forward/backward each step, then eval.
    bn = nn.BatchNorm1d(F5, eps=1e-3, momentum=0.3)
    set_param(bn.weight, gamma)
    set_param(bn.bias, beta)
    steps = []
    for s in range(3):
        x = data(5, F5, 700 + s, scales, offsets)
        dy = data(5, F5, 710 + s)
        fb = forward_backward(bn, x, dy)
        steps.append({"x": L(x), "dy": L(dy), **fb, **bn_buffers(bn)})
    bn.eval()
    x_eval = data(3, F5, 720, scales, offsets)
    cases["custom_eps_momentum"] = {
        "options": {"eps": 1e-3, "momentum": 0.3},
        "weight": gamma,
        "bias": beta,
        "steps": steps,
        "eval": {"x": L(x_eval), "y": L(bn(t(x_eval)))},
    }
    write("batchnorm1d", {"cases": cases})


# ---------------------------------------------------------------- LayerNorm, GroupNorm

def layernorm():
    D = 6
    x = data(4, D, 800, [1.0, 2.0, 0.5, 5.0, 1.0, 3.0], [0.0, 1.0, -1.0, 4.0, 0.0, -2.0])
    dy = data(4, D, 801)
    gamma = [1.2, -0.7, 0.9, 2.0, 0.3, 1.0]
    beta = [0.0, 0.5, -1.0, 0.25, 2.0, -0.4]
    ln = nn.LayerNorm(D)
    set_param(ln.weight, gamma)
    set_param(ln.bias, beta)
    affine = forward_backward(ln, x, dy)
    ln2 = nn.LayerNorm(D, eps=1e-3, elementwise_affine=False)
    plain = forward_backward(ln2, x, dy)
    write("layernorm", {"cases": {
        "affine": {"options": {"eps": 1e-5}, "weight": gamma, "bias": beta, "x": L(x), "dy": L(dy), **affine},
        "no_affine_eps_1e-3": {"options": {"eps": 1e-3, "elementwiseAffine": False}, "x": L(x), "dy": L(dy), **plain},
    }})


def groupnorm():
    C = 6
    x = data(4, C, 900, [1.0, 2.0, 0.5, 5.0, 1.0, 3.0], [0.0, 1.0, -1.0, 4.0, 0.0, -2.0])
    dy = data(4, C, 901)
    gamma = [0.8, 1.5, -1.0, 0.4, 2.0, 1.1]
    beta = [0.3, -0.2, 0.0, 1.0, -1.5, 0.6]
    cases = {}
    for groups in (3, 2, 1):
        gn = nn.GroupNorm(groups, C)
        set_param(gn.weight, gamma)
        set_param(gn.bias, beta)
        cases[f"groups_{groups}"] = {
            "numGroups": groups, "numChannels": C, "options": {"eps": 1e-5},
            "weight": gamma, "bias": beta, "x": L(x), "dy": L(dy), **forward_backward(gn, x, dy),
        }
    gn = nn.GroupNorm(3, C, eps=1e-2, affine=False)
    cases["groups_3_no_affine_eps_1e-2"] = {
        "numGroups": 3, "numChannels": C, "options": {"eps": 1e-2, "affine": False},
        "x": L(x), "dy": L(dy), **forward_backward(gn, x, dy),
    }
    write("groupnorm", {"cases": cases})


# ---------------------------------------------------------------- Linear

def linear():
    x = data(5, 4, 1000)
    dy = data(5, 3, 1001)
    w = data(3, 4, 1002, 0.5)
    b = vec(3, 1003, 0.5)
    lin = nn.Linear(4, 3)
    set_param(lin.weight, w)
    set_param(lin.bias, b)
    with_bias = forward_backward(lin, x, dy)
    lin2 = nn.Linear(4, 3, bias=False)
    set_param(lin2.weight, w)
    no_bias = forward_backward(lin2, x, dy)
    write("linear", {"cases": {
        "bias": {"in": 4, "out": 3, "weight": L(w), "bias": L(b), "x": L(x), "dy": L(dy), **with_bias},
        "no_bias": {"in": 4, "out": 3, "weight": L(w), "x": L(x), "dy": L(dy), **no_bias},
    }})


# ---------------------------------------------------------------- losses

def losses():
    cases = {}

    def ce(name, logits, targets):
        z = t(logits, grad=True)
        loss = nn.CrossEntropyLoss()(z, torch.tensor(targets, dtype=torch.long))
        loss.backward()
        cases[name] = {"loss": "cross_entropy", "logits": L(logits), "targets": list(targets),
                       "value": num(loss), "dlogits": L(z.grad)}

    ce("cross_entropy", data(6, 4, 1100, 2.0), [0, 3, 1, 2, 2, 0])
    big = data(4, 5, 1101, 300.0, 1000.0)
    big[1, :] = [1000.0, 1000.0, 1000.0, 1000.0, 1000.0]
    big[2, :] = [-800.0, 750.0, 760.0, -900.0, 0.0]
    ce("cross_entropy_large_logits", big, [2, 4, 1, 0])
    ce("cross_entropy_single_example", data(1, 3, 1102), [1])

    pred = data(4, 3, 1103)
    target = data(4, 3, 1104)
    p = t(pred, grad=True)
    loss = nn.MSELoss()(p, t(target))
    loss.backward()
    cases["mse"] = {"loss": "mse", "pred": L(pred), "target": L(target), "value": num(loss), "dpred": L(p.grad)}
    write("losses", {"cases": cases})


# ---------------------------------------------------------------- SGD

def sgd():
    """Two parameters (a 2×3 weight, a 1×3 bias) with prescribed gradients at each step."""
    w0 = data(2, 3, 1200)
    b0 = data(1, 3, 1201)
    grads = [{"weight": L(data(2, 3, 1210 + s)), "bias": L(data(1, 3, 1220 + s))} for s in range(4)]
    configs = {
        "plain": {"lr": 0.1, "momentum": 0.0, "dampening": 0.0, "nesterov": False, "weightDecay": 0.0},
        "momentum": {"lr": 0.1, "momentum": 0.9, "dampening": 0.0, "nesterov": False, "weightDecay": 0.0},
        "momentum_dampening": {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "nesterov": False, "weightDecay": 0.0},
        "nesterov_weight_decay": {"lr": 0.05, "momentum": 0.9, "dampening": 0.0, "nesterov": True, "weightDecay": 0.01},
        "weight_decay": {"lr": 0.2, "momentum": 0.0, "dampening": 0.0, "nesterov": False, "weightDecay": 0.1},
    }
    cases = {}
    for name, c in configs.items():
        w = t(w0, grad=True)
        b = t(b0, grad=True)
        opt = torch.optim.SGD([w, b], lr=c["lr"], momentum=c["momentum"], dampening=c["dampening"],
                              nesterov=c["nesterov"], weight_decay=c["weightDecay"])
        after = []
        for g in grads:
            opt.zero_grad()
            w.grad = t(g["weight"])
            b.grad = t(g["bias"])
            opt.step()
            after.append({"weight": L(w), "bias": L(b)})
        cases[name] = {"options": c, "weight": L(w0), "bias": L(b0), "grads": grads, "after": after}
    write("sgd", {"cases": cases})


# ---------------------------------------------------------------- a whole model

def model():
    """Linear(4→6) → BatchNorm1d(6) → Sigmoid → Linear(6→3), cross-entropy, SGD(lr 0.1, momentum 0.9)."""
    net = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.Sigmoid(), nn.Linear(6, 3))
    init = {
        "0.weight": data(6, 4, 1300, 0.5),
        "0.bias": vec(6, 1301, 0.5),
        "1.weight": vec(6, 1302, 0.3, 1.0),
        "1.bias": vec(6, 1303, 0.3),
        "3.weight": data(3, 6, 1304, 0.5),
        "3.bias": vec(3, 1305, 0.5),
    }
    for name, p in net.named_parameters():
        set_param(p, init[name])
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    batches = [(data(8, 4, 1310 + s, [1.0, 2.0, 0.5, 3.0], [0.5, -1.0, 0.0, 2.0]),
                [int(v) for v in np.random.default_rng(1320 + s).integers(0, 3, 8)]) for s in range(2)]
    steps = []
    for x, y in batches:
        opt.zero_grad()
        logits = net(t(x))
        loss = F.cross_entropy(logits, torch.tensor(y, dtype=torch.long))
        loss.backward()
        grads = {name: L(p.grad) for name, p in net.named_parameters()}
        opt.step()
        state = {k: (int(v.item()) if k.endswith("num_batches_tracked") else L(v)) for k, v in net.state_dict().items()}
        steps.append({"x": L(x), "targets": y, "logits": L(logits), "loss": num(loss), "grads": grads, "state": state})
    net.eval()
    x_eval = data(3, 4, 1330, [1.0, 2.0, 0.5, 3.0], [0.5, -1.0, 0.0, 2.0])
    write("model", {
        "description": "Linear(4→6) → BatchNorm1d(6) → Sigmoid → Linear(6→3), mean cross-entropy, SGD(lr=0.1, momentum=0.9)",
        "sgd": {"lr": 0.1, "momentum": 0.9},
        "init": {k: L(v) for k, v in init.items()},
        "steps": steps,
        "eval": {"x": L(x_eval), "logits": L(net(t(x_eval)))},
    })


if __name__ == "__main__":
    batchnorm()
    layernorm()
    groupnorm()
    linear()
    losses()
    sgd()
    model()
    print(f"wrote {sorted(os.listdir(OUT))} to {os.path.relpath(OUT)}")
