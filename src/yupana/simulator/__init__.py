"""A stand-in SUNAT that speaks SUNAT's wire formats, for offline development and tests.

``create_app(settings)`` (``yupana.simulator.app``) gives the ASGI application;
``yupana simulator --host H --port P`` runs it (``yupana.simulator.server``). See
``yupana.simulator.config`` for the settings and ``docs/simulator.md`` for the behaviour.
"""
