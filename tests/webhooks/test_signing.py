"""Signatures a Standard Webhooks receiver accepts, and the retry schedule (pure logic)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from adapters.webhooks import signed_headers
from resolvers.retry_schedule import RetrySchedule
from sandbox.crc.webhooks import new_webhook_secret

BODY = json.dumps({"eventType": "probation-case.registration.added", "version": 1})


def test_a_signed_event_verifies_with_the_partners_secret() -> None:
    secret = new_webhook_secret()
    headers = signed_headers(Webhook(secret), "msg-1", BODY, datetime.now(UTC))
    assert set(headers) >= {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-id"] == "msg-1"
    assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)


@pytest.mark.parametrize("change", ["body", "secret", "id", "stale"])
def test_a_changed_event_or_another_secret_fails(change: str) -> None:
    secret = new_webhook_secret()
    sent_at = datetime.now(UTC) - (timedelta(minutes=10) if change == "stale" else timedelta())
    headers = signed_headers(Webhook(secret), "msg-1", BODY, sent_at)
    body = BODY.replace("added", "deleted") if change == "body" else BODY
    if change == "id":
        headers["webhook-id"] = "msg-2"
    verifier = Webhook(new_webhook_secret() if change == "secret" else secret)
    with pytest.raises(WebhookVerificationError):
        verifier.verify(body, headers)


def test_backoff_doubles_with_jitter_up_to_the_cap_then_moves_aside() -> None:
    schedule = RetrySchedule(max_attempts=8, base=1.0, cap=10.0)
    for attempts, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (7, 10.0)]:
        delays = [schedule.delay_after(attempts) for _ in range(50)]
        assert all(d is not None and ceiling / 2 <= d <= ceiling for d in delays), attempts
    assert len({schedule.delay_after(3) for _ in range(20)}) > 1  # jittered
    assert schedule.delay_after(8) is None
    assert schedule.delay_after(9) is None
