"""Yupana: electronic invoicing (CPE) for Peru."""

__version__ = "0.1.0"
