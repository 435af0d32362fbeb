"""PyTorch side of bench/hessian.bench.ts: the same 784-100-10 sigmoid net, ½Σ(a − y)², the same
1,000 MNIST digits and weights (read from /tmp/hessian-bench), float64, one thread, CPU seconds (time.process_time) as the JS side.
Double-backprop HVP (graph rebuilt / reused), scipy eigsh for the top 5 and bottom 5, and the
dense spectrum of the 49-16-10 net from HVP columns + eigvalsh.
Run after the JS side: /usr/bin/python3 bench/hessian_torch.py"""
import json
import os
import time

import numpy as np
import torch
from scipy.sparse.linalg import LinearOperator, eigsh

torch.set_num_threads(1)
folder = os.environ.get("HESSIAN_BENCH_DIR", "/tmp/hessian-bench")
load = lambda name: torch.from_numpy(np.fromfile(os.path.join(folder, name), dtype=np.float64))
js = json.load(open(os.path.join(folder, "js-report.json")))


def make_loss(inputs, targets, sizes):
    def loss(p):
        a, offset = inputs, 0
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            w = p[offset:offset + fan_in * fan_out].view(fan_out, fan_in)
            offset += fan_in * fan_out
            b = p[offset:offset + fan_out]
            offset += fan_out
            a = torch.sigmoid(a @ w.T + b)
        return 0.5 * ((a - targets) ** 2).sum()
    return loss


inputs = load("inputs.f64").view(1000, 784)
targets = load("targets.f64").view(1000, 10)
params = load("parameters.f64").requires_grad_(True)
loss = make_loss(inputs, targets, [784, 100, 10])
probe = load("probe.f64")


def hvp_rebuilt(v):
    (g,) = torch.autograd.grad(loss(params), params, create_graph=True)
    (hv,) = torch.autograd.grad(g, params, v)
    return hv


hv = hvp_rebuilt(probe)
js_hv = load("hvp.f64")
check = {"loss": loss(params).item(), "js_loss": js["loss"], "hvp_max_relative_difference": ((hv - js_hv).abs().max() / js_hv.abs().max()).item()}


def median_time(f, repeats=15):
    for _ in range(3):
        f()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        f()
        times.append(time.process_time() - start)
    return sorted(times)[len(times) // 2]


rebuilt = median_time(lambda: hvp_rebuilt(probe))
(gradient,) = torch.autograd.grad(loss(params), params, create_graph=True)
reused_hvp = lambda v: torch.autograd.grad(gradient, params, v, retain_graph=True)[0]
reused = median_time(lambda: reused_hvp(probe))


def extremes(which, tol):
    count = [0]

    def matvec(v):
        count[0] += 1
        return reused_hvp(torch.from_numpy(np.ascontiguousarray(v).ravel())).numpy()

    operator = LinearOperator((params.numel(), params.numel()), matvec=matvec, dtype=np.float64)
    start = time.process_time()
    values = eigsh(operator, k=5, which=which, tol=tol, v0=np.ones(params.numel()), return_eigenvectors=False)
    return {"seconds": time.process_time() - start, "products": count[0], "values": sorted(values.tolist(), reverse=which == "LA")}


top5 = extremes("LA", 0)
bottom5 = extremes("SA", 0)
top5_tol = extremes("LA", 1e-8)
bottom5_tol = extremes("SA", 1e-8)

pooled = load("pooled.f64").view(1000, 49)
small = load("small-parameters.f64").requires_grad_(True)
small_loss = make_loss(pooled, targets, [49, 16, 10])
start = time.process_time()
(small_gradient,) = torch.autograd.grad(small_loss(small), small, create_graph=True)
n = small.numel()
eye = torch.eye(n, dtype=torch.float64)
columns = [torch.autograd.grad(small_gradient, small, eye[j], retain_graph=True)[0] for j in range(n)]
hessian = torch.stack(columns, 1)
hessian = 0.5 * (hessian + hessian.T)
build = time.process_time() - start
start = time.process_time()
spectrum = torch.linalg.eigvalsh(hessian)
eigen = time.process_time() - start

report = {
    "check": check,
    "hvp_ms_rebuilt": 1000 * rebuilt,
    "hvp_ms_reused": 1000 * reused,
    "top5_eigsh_tol0": top5,
    "bottom5_eigsh_tol0": bottom5,
    "top5_eigsh_tol1e-8": top5_tol,
    "bottom5_eigsh_tol1e-8": bottom5_tol,
    "dense": {"parameters": n, "build_seconds": build, "eigvalsh_seconds": eigen, "lowest": spectrum[:3].tolist(), "highest": spectrum[-3:].tolist()},
    "ratios_js_over_torch": {
        "hvp_vs_rebuilt": js["hvpMilliseconds"] / (1000 * rebuilt),
        "hvp_vs_reused": js["hvpMilliseconds"] / (1000 * reused),
        "top5": js["top5"]["seconds"] / top5["seconds"],
        "bottom5": js["bottom5"]["seconds"] / bottom5["seconds"],
        "dense": js["dense"]["seconds"] / (build + eigen),
        "dense_build": js["dense"]["buildSeconds"] / build,
        "dense_eigen": js["dense"]["eigenSeconds"] / eigen,
    },
}
print(json.dumps(report, indent=1))
