"""The server's ASGI application: ``create_app(settings)``.

Routes: ``/health``, the native API under ``/v1`` (``yupana.api.documents``), OpenAPI at
``/openapi.json`` and its pages at ``/docs``. Errors are ``{"errors": [...]}`` (``api.errors``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from yupana import __version__
from yupana.api import admin, documents, facturadorpro, facturadorpro_agents, lifecycle
from yupana.api.errors import install_handlers
from yupana.api.facturadorpro_lifecycle import router as facturadorpro_lifecycle_router
from yupana.api.webhooks import router as webhooks_router
from yupana.jobs.worker import Services
from yupana.service.stores import Stores
from yupana.settings import Settings, get_settings


def create_app(
    settings: Settings | None = None, *, stores: Stores | None = None, migrate: bool = True
) -> FastAPI:
    """The API for ``settings`` (default: from the environment). Opens the stores (running the
    migrations unless ``migrate`` is False) when none are given."""
    settings = settings or get_settings()
    services = Services.from_settings(settings, stores, migrate=migrate)
    stores = services.stores

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        services.close()

    app = FastAPI(
        title="Yupana",
        version=__version__,
        description="Electronic invoicing for Peru (SUNAT CPE): issue, sign, send and keep documents.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.stores = stores
    app.state.services = services
    app.state.issuing = services.issuing
    install_handlers(app)

    @app.get("/health", tags=["server"], summary="Liveness")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    app.include_router(documents.router())
    app.include_router(lifecycle.router())
    app.include_router(facturadorpro.router())
    app.include_router(facturadorpro_lifecycle_router())
    app.include_router(facturadorpro_agents.router())
    app.include_router(admin.router())
    app.include_router(webhooks_router())
    return app
