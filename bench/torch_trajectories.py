"""Reference trajectories from torch.optim (float64) on Rosenbrock and the saddle x^2 - y^2.

Writes test/fixtures/torch-trajectories.json, which test/unit/optimizers-torch.test.ts compares
against the engine's optimizers step by step. Run with Debian's python3-torch:
    /usr/bin/python3 bench/torch_trajectories.py
"""
import json
import torch

torch.set_default_dtype(torch.float64)

SURFACES = {
    "rosenbrock": lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2,
    "saddle": lambda p: p[0] ** 2 - p[1] ** 2,
}

CASES = [
    ("sgd", {"lr": 1e-3}),
    ("sgd", {"lr": 1e-3, "momentum": 0.9}),
    ("sgd", {"lr": 1e-3, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("sgd", {"lr": 1e-3, "momentum": 0.5, "dampening": 0.3, "maximize": False}),
    ("adam", {"lr": 0.01}),
    ("adam", {"lr": 0.01, "betas": [0.8, 0.99], "amsgrad": True, "weight_decay": 0.1}),
    ("adamw", {"lr": 0.01}),
    ("adamw", {"lr": 0.01, "weight_decay": 0.5, "amsgrad": True}),
    ("rmsprop", {"lr": 0.001}),
    ("rmsprop", {"lr": 0.001, "momentum": 0.9, "centered": True, "weight_decay": 0.01}),
    ("adagrad", {"lr": 0.1}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.01}),
]

CLASSES = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
}


def run(surface, name, params, start, steps):
    point = torch.tensor(start, requires_grad=True)
    kwargs = dict(params)
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    optimizer = CLASSES[name]([point], **kwargs)
    points = [point.detach().tolist()]
    for _ in range(steps):
        optimizer.zero_grad()
        loss = SURFACES[surface](point)
        loss.backward()
        optimizer.step()
        points.append(point.detach().tolist())
    return points


def main():
    cases = []
    for surface, start in (("rosenbrock", [-1.5, 2.0]), ("saddle", [1.0, 0.01])):
        for name, params in CASES:
            cases.append({
                "surface": surface,
                "start": start,
                "name": name,
                "params": params,
                "points": run(surface, name, params, start, 50),
            })
    payload = {"torch": torch.__version__, "steps": 50, "cases": cases}
    with open("test/fixtures/torch-trajectories.json", "w") as handle:
        json.dump(payload, handle, indent=1)


if __name__ == "__main__":
    main()
