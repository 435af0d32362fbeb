"""The seed deck's own numpy loops (slides 2, 3, 4, 5) on x^2 - y^2, timed.

Prints one JSON line: milliseconds per run of each method (median of repeats).
Run with Debian's numpy: /usr/bin/python3 bench/seed_surface_race.py STEPS REPEATS
"""
import json
import sys
import time

import numpy as np


def gradient_saddle(x, y):
    return np.array([2 * x, -2 * y])


def hessian_saddle(x, y):
    return np.array([[2, 0], [0, -2]])


def gradient_descent_saddle(start_point, learning_rate=0.1, iterations=100):
    path = [start_point]
    point = np.array(start_point)
    for _ in range(iterations):
        gradient = gradient_saddle(point[0], point[1])
        point = point - learning_rate * gradient
        path.append(point.copy())
    return np.array(path)


def momentum_optimizer(start_point, learning_rate=0.1, momentum=0.9, iterations=100):
    point = np.array(start_point, dtype=float)
    velocity = np.zeros_like(point)
    path = [point.copy()]
    for _ in range(iterations):
        gradient = gradient_saddle(point[0], point[1])
        velocity = momentum * velocity - learning_rate * gradient
        point += velocity
        path.append(point.copy())
    return np.array(path)


def newtons_method(start_point, learning_rate=1.0, iterations=100):
    point = np.array(start_point, dtype=float)
    path = [point.copy()]
    for _ in range(iterations):
        gradient = gradient_saddle(point[0], point[1])
        hessian = hessian_saddle(point[0], point[1])
        update = np.linalg.solve(hessian, gradient)
        point -= learning_rate * update
        path.append(point.copy())
    return np.array(path)


def noisy_gradient_descent(start_point, learning_rate=0.1, noise_scale=0.01, iterations=100):
    point = np.array(start_point, dtype=float)
    path = [point.copy()]
    for _ in range(iterations):
        gradient = gradient_saddle(point[0], point[1])
        noise = np.random.normal(0, noise_scale, size=gradient.shape)
        point -= learning_rate * (gradient + noise)
        path.append(point.copy())
    return np.array(path)


def main():
    steps = int(sys.argv[1])
    repeats = int(sys.argv[2])
    methods = {
        "sgd": lambda: gradient_descent_saddle(np.array([1.0, 1e-3]), iterations=steps),
        "momentum": lambda: momentum_optimizer(np.array([1.0, 1e-3]), iterations=steps),
        "newton": lambda: newtons_method(np.array([1.0, 1e-3]), iterations=steps),
        "noisy-gd": lambda: noisy_gradient_descent(np.array([1.0, 1e-3]), iterations=steps),
    }
    timings = {}
    for name, method in methods.items():
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            method()
            samples.append((time.perf_counter() - started) * 1000)
        timings[name] = sorted(samples)[len(samples) // 2]
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
