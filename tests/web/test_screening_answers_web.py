"""A reviewer answers a screening question in the portal: the answer with its evidence link
and note is recorded under the account, the verdict is screened again and is no longer the
automatic pre-screening; a bad link is refused beside its question; nothing on GET; CSRF."""

from __future__ import annotations

import re

from sqlalchemy import select

from cajad.register import AuditEntry, session_scope
from tests.web.test_accounts_web import World, _field, audit_since, last_audit_id, sign_in, world

__all__ = ["world"]


def _verdict(html: str) -> dict[str, str]:
    found = re.search(r'data-testid="screening-verdict"([^>]*)>', html)
    assert found is not None
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', found.group(1)))


def test_a_reviewer_answers_with_evidence_and_the_verdict_changes(world: World) -> None:
    project = next(world.mine)
    url = f"/projects/{project}/screening"
    public = world.client.get(url).text
    assert 'data-testid="answer-form"' not in public and _verdict(public)["pre-screening"] == "true"
    sign_in(world.client, "reviewer@example.org")
    page = world.client.get(url).text
    forms = re.findall(r'data-testid="answer-form" data-rule="([^"]+)"', page)
    assert forms, "a reviewer sees a form per question"
    csrf = _field(page, "csrf_token")
    rule = forms[0]
    answers = re.search(
        rf'data-rule="{re.escape(rule)}".*?<select name="value" required>(.*?)</select>', page, re.S
    )
    assert answers is not None
    value = re.findall(r'<option value="([^"]+)"', answers.group(1))[0]
    form = {"csrf_token": csrf, "question": rule, "value": value, "note": "checked"}

    before = last_audit_id(world.engine)
    bad = world.client.post(url + "/answer", data=form | {"link": "javascript:alert(1)"})
    assert bad.status_code == 422 and 'data-testid="answer-refused"' in bad.text
    assert "http(s)" in bad.text and audit_since(world.engine, before) == []
    assert world.client.post(url + "/answer", data=form | {"csrf_token": "x"}).status_code == 403

    link = "https://www.jica.go.jp/english/our_work/evaluation.html"
    done = world.client.post(url + "/answer", data=form | {"link": link})
    assert done.status_code == 200 and done.url.path == url
    after = _verdict(done.text)
    assert after["pre-screening"] == "false" and 'data-testid="pre-screening"' not in done.text
    world.client.cookies.clear()
    shown = world.client.get(url).text
    assert "reviewer@example.org" not in shown and "reviewer, " in shown
    api = f"/api/projects/{project}"
    for read in (api + "/screening", api + "/screening/history", api + "/questions"):
        answer = world.client.get(read)
        assert answer.status_code == 200 and "reviewer@example.org" not in answer.text, read
        assert '"reviewer"' in answer.text, read
    report = world.client.get(url + "/report")
    assert report.status_code == 200 and "reviewer@example.org" not in report.text
    with session_scope(world.engine) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
        assert {(e.actor, e.account_id) for e in entries} == {
            ("reviewer@example.org", world.people["reviewer"].id)
        }
        assert any(link in str(e.after) for e in entries)


def test_an_editor_or_viewer_cannot_answer(world: World) -> None:
    project = next(world.mine)
    url = f"/projects/{project}/screening"
    for who in ("editor", "viewer", "analyst"):
        world.client.cookies.clear()
        sign_in(world.client, f"{who}@example.org")
        page = world.client.get(url).text
        assert 'data-testid="answer-form"' not in page
        form = {"csrf_token": _field(page, "csrf_token"), "question": "x", "value": "yes"}
        assert world.client.post(url + "/answer", data=form).status_code == 403
