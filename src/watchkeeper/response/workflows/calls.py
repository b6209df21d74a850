"""The outbox of workflow calls (webhooks, remediation endpoints): take the due ones,
send them outside any transaction, then record each answer on its run and its incident.

Sent like the notification webhooks: signed the Standard Webhooks way with the
workflow's secret, through the outbound guard at the socket, never following redirects.
A call is taken with a lease; a sender that dies leaves it to be taken again, so
delivery is at least once and the stable `webhook-id` lets the receiver drop a repeat.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx2
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeeper.db.claim import claim
from watchkeeper.db.sealing import Sealer, Unreadable
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard, refusal
from watchkeeper.pipeline.notify.channels.sockets import install, watching
from watchkeeper.pipeline.notify.channels.webhook import sign
from watchkeeper.pipeline.notify.send import backoff
from watchkeeper.response.workflows.matching import actor_name
from watchkeeper.response.workflows.models import Workflow, WorkflowCall, WorkflowRun

BATCH = 50
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 6
MAX_ANSWER = 4000
TIMEOUT = httpx2.Timeout(10.0, connect=5.0)
KIND = "workflow_call"


@dataclass(frozen=True)
class Job:
    call_id: int
    url: str
    body: bytes
    message_id: str
    secret: str | None
    attempt: int


@dataclass(frozen=True)
class Answer:
    call_id: int
    attempt: int
    ok: bool
    retryable: bool
    status: int | None
    text: str
    detail: str


class Caller:
    """Posts a call's JSON body and keeps what the endpoint answered."""

    def __init__(self, guard: OutboundGuard, *, timeout: httpx2.Timeout = TIMEOUT) -> None:
        self.guard = guard
        install()
        self._client = httpx2.Client(timeout=timeout, follow_redirects=False)

    def call(self, job: Job) -> Answer:
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": job.message_id,
            "webhook-timestamp": str(timestamp),
        }
        if job.secret:
            headers["webhook-signature"] = sign(job.secret, job.message_id, timestamp, job.body)
        with watching(self.guard) as watch:
            try:
                response = self._client.post(job.url, content=job.body, headers=headers)
            except httpx2.TimeoutException as exc:
                return _failed(job, True, f"timed out: {exc}")
            except httpx2.HTTPError as exc:
                if watch.refused:
                    host = urlsplit(job.url).hostname or job.url
                    return _failed(job, False, f"not sent: {refusal(host)}")
                return _failed(job, True, f"{type(exc).__name__}: {exc}")
        text = response.text[:MAX_ANSWER]
        detail = f"HTTP {response.status_code}"
        if response.is_redirect:
            detail += " (redirects are not followed)"
        ok = response.is_success
        retryable = not ok and (response.status_code == 429 or response.status_code >= 500)
        return Answer(job.call_id, job.attempt, ok, retryable, response.status_code, text, detail)

    def close(self) -> None:
        self._client.close()


def _failed(job: Job, retryable: bool, detail: str) -> Answer:
    return Answer(job.call_id, job.attempt, False, retryable, None, "", detail[:500])


def take_due(session: Session, now: datetime, *, sealer: Sealer) -> list[Job]:
    """Lease the calls due now (and those whose sender's lease ran out)."""
    calls = session.scalars(
        claim(
            session,
            select(WorkflowCall)
            .where(
                or_(WorkflowCall.status == "pending", WorkflowCall.status == "sending"),
                WorkflowCall.due_at <= now,
            )
            .order_by(WorkflowCall.due_at, WorkflowCall.id)
            .limit(BATCH),
        )
    ).all()
    if not calls:
        return []
    secrets = dict(
        session.execute(
            select(Workflow.id, Workflow.secret).where(
                Workflow.id.in_({call.workflow_id for call in calls})
            )
        ).all()
    )
    jobs = []
    for call in calls:
        call.status = "sending"
        call.attempts += 1
        call.due_at = now + LEASE
        try:
            secret = sealer.open(secrets[call.workflow_id])
        except (Unreadable, KeyError):
            secret = None
        jobs.append(
            Job(call.id, call.url, call.body.encode(), call.message_id, secret, call.attempts)
        )
    return jobs


def settle(session: Session, answers: list[Answer], now: datetime) -> int:
    """Record answers: the call's state, its run's result, a timeline entry once it ends."""
    if not answers:
        return 0
    calls = {
        call.id: call
        for call in session.scalars(
            select(WorkflowCall).where(WorkflowCall.id.in_([a.call_id for a in answers]))
        )
    }
    runs = {
        run.id: run
        for run in session.scalars(
            select(WorkflowRun).where(WorkflowRun.id.in_({c.run_id for c in calls.values()}))
        )
    }
    names = dict(session.execute(select(Workflow.id, Workflow.name)).all())
    handled = 0
    for answer in answers:
        call = calls.get(answer.call_id)
        if call is None or call.status != "sending" or call.attempts != answer.attempt:
            continue  # gone, or a late answer to an attempt taken again since
        handled += 1
        call.answer_status, call.answer, call.detail = answer.status, answer.text, answer.detail
        if not answer.ok and answer.retryable and call.attempts < MAX_ATTEMPTS:
            call.status = "pending"
            call.due_at = now + backoff(call.attempts)
            continue
        call.status = "sent" if answer.ok else "failed"
        call.finished_at = now
        _report(session, call, runs.get(call.run_id), names.get(call.workflow_id, ""), now)
    return handled


def _report(
    session: Session, call: WorkflowCall, run: WorkflowRun | None, name: str, now: datetime
) -> None:
    host = urlsplit(call.url).hostname or call.url
    what = "remediation" if call.kind == "remediation" else "webhook"
    outcome = "answered" if call.status == "sent" else "failed"
    summary = f"{what} to {host} {outcome}: {call.detail}"
    if call.answer:
        shown = call.answer if call.kind == "remediation" else call.answer[:200]
        summary += f"\n{shown}"
    if run is not None:
        results = [dict(result) for result in run.results]
        for result in results:
            if result.get("position") == call.position:
                result["ok"] = call.status == "sent"
                result["detail"] = f"{what} {outcome}: {call.detail}"[:500]
        run.results = results
    record(
        session,
        incident_id=call.incident_id,
        kind=KIND,
        summary=summary,
        actor=Actor(None, actor_name(call.workflow_id, name)),
        at=now,
        data={
            "workflow_id": call.workflow_id,
            "call_id": call.id,
            "status": call.answer_status,
            "answer": _parsed(call.answer),
        },
    )


def _parsed(text: str) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text
