"""Toy data sets for the course, all seeded and built with NumPy.

The kinds the source article trains on: a two-class point cloud, three Gaussian blobs,
and a noisy many-feature linear regression; plus a one-feature regression with
outliers for comparing robust losses. Every function takes ``seed`` and returns the
same arrays for the same arguments.
"""

from __future__ import annotations

import numpy as np


def two_class_cloud(n=200, *, separation=2.0, label_noise=0.0, seed=0):
    """Two overlapping 2-D Gaussian clouds, for binary classification.

    Args:
        n: number of points (half per class, rounded down for class 0).
        separation: distance between the two class centres, in standard deviations.
        label_noise: fraction of labels flipped at random, in [0, 1).
        seed: random seed.

    Returns:
        ``(X, y)``: features of shape ``(n, 2)`` (float32) and labels in {0, 1}
        of shape ``(n,)`` (float32).
    """
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    centres = np.array([[-separation / 2, 0.0], [separation / 2, 0.0]])
    X = centres[y] + rng.normal(size=(n, 2))
    if label_noise:
        flip = rng.random(n) < label_noise
        y = np.where(flip, 1 - y, y)
    order = rng.permutation(n)
    return X[order].astype(np.float32), y[order].astype(np.float32)


def three_blobs(n=300, *, spread=1.0, seed=0):
    """Three Gaussian blobs in the plane, for 3-class classification.

    Args:
        n: number of points (split evenly across the classes).
        spread: standard deviation of each blob (centres are 3 apart on a triangle).
        seed: random seed.

    Returns:
        ``(X, y)``: features ``(n, 2)`` float32 and integer labels in {0, 1, 2}, ``(n,)``.
    """
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    angles = np.pi / 2 + 2 * np.pi * np.arange(3) / 3
    centres = 3 / np.sqrt(3) * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    X = centres[y] + spread * rng.normal(size=(n, 2))
    order = rng.permutation(n)
    return X[order].astype(np.float32), y[order].astype(np.int64)


def noisy_linear_regression(n=500, n_features=20, *, noise=0.5, seed=0):
    """A linear regression problem with many features and Gaussian noise.

    Args:
        n: number of samples.
        n_features: number of features.
        noise: standard deviation of the additive noise.
        seed: random seed.

    Returns:
        ``(X, y, w)``: features ``(n, n_features)``, targets ``(n, 1)`` (both float32)
        and the true weights ``(n_features,)``.
    """
    rng = np.random.default_rng(seed)
    w = rng.normal(size=n_features)
    X = rng.normal(size=(n, n_features))
    y = X @ w + noise * rng.normal(size=n)
    return X.astype(np.float32), y[:, None].astype(np.float32), w


def line_with_outliers(n=100, *, slope=2.0, intercept=1.0, noise=0.5,
                       outlier_fraction=0.1, outlier_shift=30.0, seed=0):
    """Points near a line, a fraction of them pushed far above it (gross errors).

    Args:
        n: number of points, with ``x`` evenly spread over [0, 10].
        slope, intercept: the true line.
        noise: standard deviation of the ordinary noise.
        outlier_fraction: fraction of points that are outliers.
        outlier_shift: how far above the line outliers sit (mean of the shift).
        seed: random seed.

    Returns:
        ``(x, y, is_outlier)``: ``x`` and ``y`` of shape ``(n, 1)`` (float32) and a
        boolean mask of shape ``(n,)``.
    """
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 10.0, n)
    y = slope * x + intercept + noise * rng.normal(size=n)
    is_outlier = np.zeros(n, dtype=bool)
    is_outlier[rng.choice(n, size=int(round(outlier_fraction * n)), replace=False)] = True
    y[is_outlier] += outlier_shift * (1 + 0.2 * rng.normal(size=is_outlier.sum()))
    return x[:, None].astype(np.float32), y[:, None].astype(np.float32), is_outlier


def skewed_counts(n=400, *, seed=0):
    """Positive, right-skewed targets spanning orders of magnitude (prices, counts).

    Args:
        n: number of samples.
        seed: random seed.

    Returns:
        ``(x, y)``: a feature ``(n, 1)`` in [0, 1] and log-normal targets ``(n, 1)``
        whose typical size grows exponentially with ``x`` (both float32).
    """
    rng = np.random.default_rng(seed)
    x = rng.random(n)
    y = np.exp(1.0 + 5.0 * x + 0.3 * rng.normal(size=n)) - 1
    return x[:, None].astype(np.float32), y[:, None].astype(np.float32)
