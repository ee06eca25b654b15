"""Imports from the browser (analysts and admins): upload a deals or transactions CSV or an
IATI XML file, see what it would change (a dry run: the importer's whole work in a transaction
that is rolled back), then commit it for real.

The file waits on the server under a random token between the two steps
(:class:`cajad.web.uploads.UploadStore`: bounded size, the uploader's only, removed after the
commit or when it expires). The importers are the CLI's (``cajad import``), so a file the CLI
refuses (hostile XML, a wrong header, a bad amount) is refused here with the same reasons.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, UploadFile
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from cajad.accounts import Action, Principal, acting, authorize
from cajad.iati import import_path
from cajad.register import ImportReport, InputError, Problem, import_file
from cajad.web.auth import PrincipalDep
from cajad.web.templating import render
from cajad.web.uploads import MAX_BYTES, Upload, UploadStore

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Token = Annotated[str, Path(max_length=64)]


def _store(request: Request) -> UploadStore:
    store = getattr(request.app.state, "uploads", None)
    if not isinstance(store, UploadStore):
        store = request.app.state.uploads = UploadStore()
    return store


@router.get("/imports")
def imports_form(request: Request, who: PrincipalDep) -> Response:
    """The upload form (anonymous: to the sign-in page)."""
    if who is None:
        return RedirectResponse("/login?next=%2Fimports", status_code=303)
    authorize(who, Action.IMPORT)
    return _page(request, status_code=200)


def _page(
    request: Request,
    *,
    upload: Upload | None = None,
    report: ImportReport | None = None,
    problems: list[Problem] | None = None,
    refusal: str | None = None,
    committed: bool = False,
    status_code: int,
) -> Response:
    context = {
        "section": "imports",
        "upload": upload,
        "report": report,
        "problems": problems if problems is not None else (report.problems if report else []),
        "refusal": refusal,
        "committed": committed,
        "max_mib": MAX_BYTES // 2**20,
    }
    return render(request, "imports.html", context, status_code=status_code)


@router.post("/imports")
async def preview(request: Request, who: PrincipalDep, file: UploadFile) -> Response:
    """Keep the file and show its dry run; a refused file is shown with every reason."""
    allowed = authorize(who, Action.IMPORT)
    data = await file.read(MAX_BYTES + 1)
    store = _store(request)
    try:
        upload = store.keep(data, file.filename or "", allowed.id)
    except InputError as refused:
        return _page(request, refusal=str(refused), status_code=422)
    return await _run(request, store, upload, allowed, dry_run=True)


@router.post("/imports/{token}")
async def commit(
    request: Request,
    who: PrincipalDep,
    token: Token,
    discard: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Import the kept file for real (or discard it), then forget it."""
    allowed = authorize(who, Action.IMPORT)
    store = _store(request)
    upload = store.find(token, allowed.id)
    if discard:
        store.remove(token)
        return RedirectResponse("/imports", status_code=303)
    return await _run(request, store, upload, allowed, dry_run=False)


async def _run(
    request: Request, store: UploadStore, upload: Upload, who: Principal, *, dry_run: bool
) -> Response:
    engine = request.app.state.engine
    try:
        report = await run_in_threadpool(_import, engine, upload, who, dry_run)
    except InputError as refused:
        store.remove(upload.token)
        problems = [_named(p, upload) for p in refused.problems]
        message = str(refused).splitlines()[0].replace(str(upload.path), upload.name)
        return _page(request, problems=problems, refusal=message, status_code=422)
    report.problems = [_named(p, upload) for p in report.problems]
    if not dry_run:
        store.remove(upload.token)
    return _page(
        request,
        upload=upload if dry_run else None,
        report=report,
        committed=not dry_run,
        status_code=200,
    )


def _import(engine: Engine, upload: Upload, who: Principal, dry_run: bool) -> ImportReport:
    """The CLI's importer of the file's kind, as ``cajad import`` runs it."""
    actor = acting(who)
    if upload.path.suffix != ".xml":
        return import_file(engine, upload.path, dry_run=dry_run, actor=actor)
    report = import_path(engine, upload.path, dry_run=dry_run, actor=actor)
    assert isinstance(report, ImportReport)  # one file, never a folder
    return report


def _named(problem: Problem, upload: Upload) -> Problem:
    """The problem with the file named as it was uploaded, not as it is kept."""
    return replace(problem, file=upload.name) if problem.file == str(upload.path) else problem
