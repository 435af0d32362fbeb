"""Landscape Lens's PyTorch backend: loss landscapes, Hessian spectra and training on any nn.Module."""

__version__ = "0.1.0"
