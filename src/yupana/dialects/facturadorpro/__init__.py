"""Facturador PRO's JSON API (facturalo.pro, pro4–pro8 and their resellers' forks), spoken by Yupana.

``documents`` reads ``POST /api/documents`` bodies (01, 03, 07, 08) into domain documents and
translates domain paths back into the body's keys; ``actions`` reads the ``acciones`` block.
"""
