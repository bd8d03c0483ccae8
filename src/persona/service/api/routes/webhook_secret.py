"""``/api/v1/users/me/webhook-secret``: your own secret for signing your jobs' webhooks.

    POST   /api/v1/users/me/webhook-secret   a new secret, shown this once (201); the
                                             old one stops signing at once
    DELETE /api/v1/users/me/webhook-secret   back to the service's secret (204)

Unlike an API key, the secret is kept as it is (the service must sign with it), so it is
shown once only to keep it off screens and logs: lost, rotate it. Deliveries still
pending are signed with the secret current when they are sent.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from persona.service.api.deps import CurrentUser, SessionDep
from persona.service.api.schemas_resources import WebhookSecretCreated

router = APIRouter(prefix="/api/v1/users/me/webhook-secret", tags=["users"])


@router.post("", status_code=201, response_model=WebhookSecretCreated)
def rotate_webhook_secret(user: CurrentUser, session: SessionDep) -> WebhookSecretCreated:
    """Make a new signing secret for your jobs' webhooks; shown once."""
    from persona.service.webhooks import new_user_secret

    user.webhook_secret = new_user_secret()
    session.commit()
    return WebhookSecretCreated(
        webhook_secret=user.webhook_secret,
        note="shown once: keep it with your webhook receiver; POST again to replace it",
    )


@router.delete("", status_code=204)
def drop_webhook_secret(user: CurrentUser, session: SessionDep) -> Response:
    """Forget your secret: your webhooks are signed with the service's secret again."""
    user.webhook_secret = None
    session.commit()
    return Response(status_code=204)
