"""Yupana's own JSON format: sales documents (``sales``) and the issuer file (``issuer``).

Described in docs/api-native.md, with its JSON Schema in docs/native-sale.schema.json.
"""
