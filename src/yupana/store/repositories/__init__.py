"""What the service layer asks of the database: companies, tokens, series, documents, idempotency keys,
webhooks.

One module per kind of row (``companies``, ``series``, ``tokens``, ``documents``, ``idempotency``,
``webhooks``);
every public name is importable from here.

Every repository works inside the caller's session and transaction; none commits. Repositories
that read or change a company's data are built for one company (``DocumentRepository(session,
company_id)``) and put ``company_id`` in every query they run, so a company can never reach another
company's documents, series or idempotency keys through them: a foreign id reads as "not found".

Secrets are encrypted on the way in and decrypted on the way out with a ``SecretBox``; the values
handed back (``SolLogin``, ``GreClient``, ``StoredCertificate``, ``IssuedToken``) never show a
secret in their ``repr``.
"""

from yupana.store.repositories.companies import (
    FISCAL_ESTABLISHMENT,
    CompanyRepository,
    CustomEndpoints,
    GreClient,
    SolLogin,
    StoredCertificate,
)
from yupana.store.repositories.documents import (
    CODE_REGISTERED_WITH_OTHER_DATA,
    MAX_LIST_LIMIT,
    DocumentFilter,
    DocumentRepository,
    InsertResult,
    NewDocument,
    Schedule,
    StateConflict,
)
from yupana.store.repositories.idempotency import (
    MAX_IDEMPOTENCY_KEY_LENGTH,
    IdempotencyClaim,
    IdempotencyOutcome,
    IdempotencyRepository,
)
from yupana.store.repositories.series import SeriesRepository
from yupana.store.repositories.tokens import IssuedToken, TokenIdentity, TokenRepository
from yupana.store.repositories.webhooks import NewSecret, WebhookRepository

__all__ = [
    "CODE_REGISTERED_WITH_OTHER_DATA",
    "FISCAL_ESTABLISHMENT",
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "MAX_LIST_LIMIT",
    "CompanyRepository",
    "CustomEndpoints",
    "DocumentFilter",
    "DocumentRepository",
    "GreClient",
    "IdempotencyClaim",
    "IdempotencyOutcome",
    "IdempotencyRepository",
    "InsertResult",
    "IssuedToken",
    "NewDocument",
    "NewSecret",
    "Schedule",
    "SeriesRepository",
    "SolLogin",
    "StateConflict",
    "StoredCertificate",
    "TokenIdentity",
    "TokenRepository",
    "WebhookRepository",
]
