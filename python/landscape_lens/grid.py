"""Grid axes and progressive refinement levels, as the engine's src/core/landscape/grid.ts."""

from __future__ import annotations


def linspace(low: float, high: float, count: int) -> list[float]:
    """n evenly spaced points: xᵢ = min + i·(max − min)/(n − 1)."""
    if count == 1:
        return [(low + high) / 2]
    return [low + i * (high - low) / (count - 1) for i in range(count)]


def stride_indices(count: int, stride: int) -> list[int]:
    """Indices 0, s, 2s, … of an axis of n points, plus the last one."""
    indices = list(range(0, count, stride))
    if indices[-1] != count - 1:
        indices.append(count - 1)
    return indices


def refinement_strides(count: int) -> list[int]:
    """Powers of two down to 1, coarsest first, the coarsest keeping ≥ 5 points per axis."""
    strides = [1]
    while (count - 1) / (strides[0] * 2) >= 4:
        strides.insert(0, strides[0] * 2)
    return strides


def refinement_levels(columns: int, rows: int) -> list[tuple[int, list[int]]]:
    """(stride, flat point indices row·columns + column) per level: the stride-s subgrid's points
    not in a coarser level. Every point is in exactly one level."""
    seen = [False] * (columns * rows)
    levels = []
    for stride in refinement_strides(max(columns, rows)):
        points = []
        row_indices = [0] if rows == 1 else stride_indices(rows, stride)
        for row in row_indices:
            for column in stride_indices(columns, stride):
                index = row * columns + column
                if not seen[index]:
                    seen[index] = True
                    points.append(index)
        levels.append((stride, points))
    return levels


def subgrid(values: list, columns: int, rows: int, stride: int) -> tuple[list[int], list[int], list]:
    """The stride-s subgrid: its column indices, row indices and values (row-major)."""
    column_indices = stride_indices(columns, stride)
    row_indices = [0] if rows == 1 else stride_indices(rows, stride)
    return column_indices, row_indices, [values[r * columns + c] for r in row_indices for c in column_indices]
