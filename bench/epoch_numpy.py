"""The seed's MNIST epoch (slides 10-11) in numpy, timed: 5,000 standardized digits of the bundled
sample, 784-100-10 sigmoid net with He init, batch 32, momentum 0.9, lr 0.01, then the seed's
metrics (predict on all X, cross-entropy, accuracy). Prints the median train and metrics seconds.
Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/epoch_numpy.py   (single core, as the engine)
"""
import gzip
import os
import time

import numpy as np

ROOT = os.path.join(os.path.dirname(__file__), '..', 'media')


def load_mnist(num_samples=5000):
    with gzip.open(os.path.join(ROOT, 'mnist-sample.images.idx3.gz')) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float64)
    with gzip.open(os.path.join(ROOT, 'mnist-sample.labels.idx1.gz')) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    X, y = images[:num_samples], labels[:num_samples]
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1)  # StandardScaler
    y_one_hot = np.zeros((y.shape[0], 10))
    y_one_hot[np.arange(y.shape[0]), y] = 1
    return X, y_one_hot


class OptimizedNN:
    def __init__(self, layers=(784, 100, 10)):
        self.weights = [np.random.randn(i, j) * np.sqrt(2. / i) for i, j in zip(layers[:-1], layers[1:])]
        self.biases = [np.zeros((1, l)) for l in layers[1:]]
        self.velocities_w = [np.zeros_like(w) for w in self.weights]
        self.velocities_b = [np.zeros_like(b) for b in self.biases]

    def predict(self, X):
        a = X
        for w, b in zip(self.weights, self.biases):
            a = 1 / (1 + np.exp(-(a @ w + b)))
        return a


def epoch(model, X, y, batch_size=32, learning_rate=0.01, momentum=0.9):
    n_samples = X.shape[0]
    indices = np.random.permutation(n_samples)
    X_shuffled, y_shuffled = X[indices], y[indices]
    for i in range(0, n_samples, batch_size):
        batch_X, batch_y = X_shuffled[i:i + batch_size], y_shuffled[i:i + batch_size]
        activations = [batch_X]
        for w, b in zip(model.weights, model.biases):
            activations.append(1 / (1 + np.exp(-(activations[-1] @ w + b))))
        delta = (activations[-1] - batch_y) * activations[-1] * (1 - activations[-1])
        for l in range(len(model.weights) - 1, -1, -1):
            model.velocities_w[l] = momentum * model.velocities_w[l] - learning_rate * (activations[l].T @ delta)
            model.velocities_b[l] = momentum * model.velocities_b[l] - learning_rate * np.sum(delta, axis=0, keepdims=True)
            model.weights[l] += model.velocities_w[l]
            model.biases[l] += model.velocities_b[l]
            if l > 0:
                delta = (delta @ model.weights[l].T) * activations[l] * (1 - activations[l])


def main():
    np.random.seed(0)
    X, y = load_mnist()
    model = OptimizedNN()
    times = {clock: ([], []) for clock in ('wall', 'cpu ')}
    for e in range(10):
        start, start_cpu = time.perf_counter(), time.process_time()
        epoch(model, X, y)
        middle, middle_cpu = time.perf_counter(), time.process_time()
        pred = model.predict(X)
        loss = -np.mean(y * np.log(pred + 1e-10))
        acc = np.mean(np.argmax(pred, axis=1) == np.argmax(y, axis=1))
        end, end_cpu = time.perf_counter(), time.process_time()
        times['wall'][0].append(middle - start)
        times['wall'][1].append(end - middle)
        times['cpu '][0].append(middle_cpu - start_cpu)
        times['cpu '][1].append(end_cpu - middle_cpu)
        print(f'epoch {e + 1}: loss {loss:.4f} accuracy {acc:.4f}')
    for clock, (train, metrics) in times.items():
        print(f'{clock}: train {np.median(train) * 1000:.1f} ms + metrics {np.median(metrics) * 1000:.1f} ms = '
              f'{(np.median(train) + np.median(metrics)) * 1000:.1f} ms per epoch')


if __name__ == '__main__':
    main()
