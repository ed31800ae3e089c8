"""``yupana worker``: the process that runs the queue's tasks, and its reconciler.

``Services.from_settings`` builds what the API and the workers share (stores, builders, the way to
SUNAT, the lifecycle, summaries, voids, webhooks, the queue); ``run_worker`` binds the tasks to
them, starts the reconciler and runs huey's consumer with ``worker_threads`` threads until
SIGINT/SIGTERM (a graceful stop lets running sends finish; a killed worker loses nothing: its
documents are recovered by any worker's reconciler once their lease is over).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass

from yupana.jobs.queue import Handlers, JobQueue
from yupana.jobs.reconciler import Reconciler
from yupana.service.issuing import Issuing, IssuingOptions
from yupana.service.lifecycle import LifecycleOptions
from yupana.service.retry_schedule import PollSchedule, RetrySchedule
from yupana.service.stores import Stores, open_stores
from yupana.service.summaries import Summaries
from yupana.service.voiding import Voiding
from yupana.service.webhooks import WebhookSender
from yupana.settings import Settings

log = logging.getLogger(__name__)


def lifecycle_options(settings: Settings) -> LifecycleOptions:
    return LifecycleOptions(
        retry=RetrySchedule(
            base=settings.retry_base,
            factor=settings.retry_factor,
            maximum=settings.retry_max,
            max_attempts=settings.retry_max_attempts,
        ),
        poll=PollSchedule(first=settings.poll_first, maximum=settings.poll_max),
        lease=settings.send_lease,
        rate_per_second=settings.sunat_rate_per_second,
    )


@dataclass(slots=True)
class Services:
    """Everything a process of the server works with, made once from the settings."""

    settings: Settings
    stores: Stores
    issuing: Issuing
    summaries: Summaries
    voiding: Voiding
    webhooks: WebhookSender
    queue: JobQueue

    @classmethod
    def from_settings(
        cls, settings: Settings, stores: Stores | None = None, *, migrate: bool = True
    ) -> Services:
        stores = stores or open_stores(settings, migrate=migrate)
        options = lifecycle_options(settings)
        issuing = Issuing(
            stores.sessions,
            stores.blobs,
            stores.secrets,
            IssuingOptions(
                sunat_rules=settings.sunat_rules,
                signature_algorithm=settings.signature_algorithm,
                simulator_url=settings.simulator_url,
                send_timeout=settings.send_timeout,
                send_in_request=settings.send_in_request,
                lifecycle=options,
            ),
        )
        queue = JobQueue.from_settings(settings)
        issuing.schedule = queue.schedule
        summaries = Summaries(
            stores.sessions,
            stores.blobs,
            stores.secrets,
            issuing.builders,
            max_lines=settings.summary_max_lines,
        )
        voiding = Voiding(stores.sessions, stores.blobs, stores.secrets, issuing.builders)
        webhooks = WebhookSender(
            stores.sessions, stores.secrets, retry=options.retry, timeout=settings.webhook_timeout
        )
        return cls(settings, stores, issuing, summaries, voiding, webhooks, queue)

    def bind(self) -> None:
        """Make this process a worker: the queue's tasks run here."""
        self.queue.handlers = Handlers(self.issuing.lifecycle, self.summaries, self.webhooks)

    def reconciler(self) -> Reconciler:
        settings = self.settings
        return Reconciler(
            self.stores.sessions,
            self.queue,
            self.summaries,
            self.webhooks,
            interval=settings.reconcile_interval,
            grace=settings.reconcile_grace,
            summary_delay=settings.summary_delay,
        )

    def close(self) -> None:
        self.webhooks.close()
        self.issuing.access.close()
        self.stores.close()


PARENT_PID_VARIABLE = "YUPANA_WORKER_PARENT_PID"


def _watch_parent(parent: int, interval: float = 1.0) -> None:
    """Stop this process gracefully (as SIGINT does) once ``parent`` is gone."""

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                log.warning("the server (pid %d) is gone: stopping", parent)
                os.kill(os.getpid(), signal.SIGINT)
                return

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_worker(settings: Settings, threads: int | None = None) -> None:
    """Run tasks until a signal stops the process (or, for the worker ``yupana serve`` starts,
    until the server is gone)."""
    parent = os.environ.get(PARENT_PID_VARIABLE)
    if parent and parent.isdigit():
        _watch_parent(int(parent))
    services = Services.from_settings(settings)
    services.bind()
    reconciler = services.reconciler()
    consumer = services.queue.huey.create_consumer(
        workers=threads or settings.worker_threads,
        worker_type="thread",
        periodic=False,
        initial_delay=0.05,
        max_delay=0.5,
        backoff=1.3,
        check_worker_health=True,
    )
    reconciler.start()
    log.warning(
        "%d threads, queue on %s",
        threads or settings.worker_threads,
        "Redis" if settings.redis_url else "SQLite",
    )
    try:
        consumer.run()
    finally:
        reconciler.stop()
        services.close()
