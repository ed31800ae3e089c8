"""A stand-in SUNAT that speaks SUNAT's wire formats, for offline development and tests."""
