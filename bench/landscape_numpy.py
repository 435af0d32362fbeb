"""The seed's slide-9 loss-landscape loop in numpy, timed, on the data, weights and directions
bench/landscape.bench.ts writes: a 784-100-10 sigmoid net (slide 11's forward, X @ W + b, sigmoid on
both layers) and slide 9's loss np.mean((pred - y)**2) at every point of an n x n grid.
Prints JSON: wall and CPU seconds, ms per point and the loss grid (to check the engine's values).
Run through bench/landscape.bench.ts, or: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/landscape_numpy.py FOLDER N
"""
import json
import sys
import time

import numpy as np

folder, points = sys.argv[1], int(sys.argv[2])
meta = json.load(open(f'{folder}/meta.json'))
samples, sizes = meta['samples'], meta['sizes']
X = np.fromfile(f'{folder}/inputs.f64').reshape(samples, sizes[0])
y = np.fromfile(f'{folder}/targets.f64').reshape(samples, sizes[-1])
center_weights, direction1, direction2 = (np.fromfile(f'{folder}/{name}.f64') for name in ('center', 'direction1', 'direction2'))


class Model:
    """The seed's MLP: weights [in, out], biases [1, out], sigmoid after every layer (slide 11)."""

    def set_weights(self, flat):
        # flat vector in PyTorch nn.Linear layout: W [out, in] row-major, then b, per layer
        self.weights, self.biases, offset = [], [], 0
        for i, j in zip(sizes[:-1], sizes[1:]):
            self.weights.append(flat[offset:offset + i * j].reshape(j, i).T)
            offset += i * j
            self.biases.append(flat[offset:offset + j].reshape(1, j))
            offset += j

    def forward(self, X):
        for w, b in zip(self.weights, self.biases):
            X = 1 / (1 + np.exp(-(X @ w + b)))
        return X


def visualize_loss_landscape(model, X, y, center_weights, radius=1.0, points=20):
    # slide 9's loop, with the directions given instead of drawn here
    grid = np.linspace(-radius, radius, points)
    losses = np.zeros((points, points))
    for i, alpha in enumerate(grid):
        for j, beta in enumerate(grid):
            weights = center_weights + alpha * direction1 + beta * direction2
            model.set_weights(weights)
            pred = model.forward(X)
            losses[i, j] = np.mean((pred - y) ** 2)
    return grid, grid, losses


started, cpu_started = time.perf_counter(), time.process_time()
_, _, losses = visualize_loss_landscape(Model(), X, y, center_weights, 1.0, points)
seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
# losses[i, j] is (alpha_i, beta_j); the engine's grid is row-major over beta: transpose
print(json.dumps({'seconds': seconds, 'cpuSeconds': cpu_seconds, 'msPerPoint': 1000 * seconds / points ** 2, 'loss': losses.T.ravel().tolist()}))
