"""The webhook outbox: each state change of a document, owed to each active webhook of its company.

``add_deliveries`` runs inside the transaction that records the event, so an event is never
recorded without its deliveries nor a delivery written for an event that was rolled back; the
webhook worker (``service.webhooks``) sends them afterwards and retries until each is delivered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yupana.store.models import Document, DocumentEvent, DocumentState, Webhook, WebhookDelivery, utc_now

EVENT_TYPE = "document.state_changed"


def event_view(event: DocumentEvent) -> dict[str, Any]:
    """One state change as the API's audit trail and the webhooks show it."""
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "state_description": DocumentState(event.to_state).description,
        "sunat_code": event.sunat_code,
        "message": event.message,
    }


def event_payload(document: Document, event: DocumentEvent) -> dict[str, Any]:
    """What a webhook receives about one state change."""
    view = event_view(event)
    return {
        "type": EVENT_TYPE,
        "event_id": view.pop("id"),
        **view,
        "document": {
            "external_id": str(document.external_id),
            "tipo_documento": document.tipo_documento,
            "serie": document.serie,
            "correlativo": document.correlativo,
            "number": f"{document.serie}-{document.correlativo}",
            "fecha_emision": document.issue_date.isoformat(),
            "state": event.to_state,
        },
    }


def add_deliveries(session: Session, document: Document, event: DocumentEvent) -> int:
    """Queue ``event`` for every active webhook of the document's company; how many."""
    hooks = session.execute(
        select(Webhook.id).where(Webhook.company_id == document.company_id, Webhook.active.is_(True))
    ).scalars()
    ids = list(hooks)
    if not ids:
        return 0
    payload = event_payload(document, event)
    now = utc_now()
    session.add_all(
        WebhookDelivery(webhook_id=hook, event_id=event.id, payload=payload, attempts=0, next_attempt_at=now)
        for hook in ids
    )
    session.flush()
    return len(ids)
