"""Yupana's HTTP API (FastAPI): ``yupana.api.app.create_app(settings)``."""
