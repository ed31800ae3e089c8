"""The simulator as an ASGI application: ``create_app(settings) -> FastAPI``.

It serves SUNAT's SOAP services (``soap_routes``), the GRE REST platform (``gre_routes``), the
admin endpoint (``admin``) and ``GET /`` (a small JSON saying what it is). FastAPI's own
documentation pages are off: SUNAT's interface is described by its WSDLs and its OpenAPI file.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.responses import JSONResponse

from yupana import __version__
from yupana.simulator import admin, gre_routes, soap_routes
from yupana.simulator.config import SimulatorSettings
from yupana.simulator.runtime import Simulator


def create_app(settings: SimulatorSettings | None = None) -> FastAPI:
    """The simulator for ``settings`` (default: from the environment, ``SimulatorSettings.from_env``).

    Opens (or creates) its data folder: the SQLite registry and the CDR certificate."""
    simulator = Simulator(settings or SimulatorSettings.from_env())
    app = FastAPI(
        title="Yupana SUNAT simulator", version=__version__, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.simulator = simulator
    app.include_router(soap_routes.router())
    app.include_router(gre_routes.router())
    app.include_router(admin.router())

    @app.get("/", include_in_schema=False)
    async def about() -> JSONResponse:
        return JSONResponse(
            {
                "service": "yupana-sunat-simulator",
                "version": __version__,
                "bill_service": sorted(soap_routes.BILL_PATHS),
                "consult_service": soap_routes.CONSULT_PATH,
                "gre": "/v1",
            }
        )

    return app
