"""MNIST digits for the CNN: the 10,000 real digits bundled with Landscape Lens (media/ of the
extension, the same IDX files its built-in "mnist-sample" data reads), or Debian's Fashion-MNIST
(the dataset-fashion-mnist package) when the bundled digits are not beside this folder. Returns
(images, labels): images N×1×28×28 scaled to [0, 1] and standardized with MNIST's mean and
standard deviation (0.1307, 0.3081), labels the class indices 0…9."""

import gzip
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = (os.path.join(HERE, "..", "..", "media", "mnist-sample.images.idx3.gz"),
           os.path.join(HERE, "..", "..", "media", "mnist-sample.labels.idx1.gz"))
FASHION = ("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz",
           "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz")


def read_idx(path: str) -> np.ndarray:
    """An IDX file (gzipped or not): a big-endian header of the dimension sizes, then unsigned bytes."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as file:
        raw = file.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes")
    dimensions = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * k: 8 + 4 * k], "big") for k in range(dimensions)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dimensions).reshape(shape)


def make_data():
    images_path, labels_path = next((pair for pair in (BUNDLED, FASHION) if all(os.path.exists(p) for p in pair)), (None, None))
    if images_path is None:
        raise FileNotFoundError(f"no digits found: neither the bundled {BUNDLED[0]} nor Debian's {FASHION[0]} (apt install dataset-fashion-mnist)")
    images = torch.from_numpy(read_idx(images_path).astype(np.float32) / 255.0).unsqueeze(1)
    labels = torch.from_numpy(read_idx(labels_path).astype(np.int64))
    return (images - 0.1307) / 0.3081, labels
