"""Settings → Import: upload an export, watch a worker import it, read the report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from imports.forms import ImportForm
from imports.models import ImportRun
from imports.services import import_run_start

PERMISSION = "imports.run_import"


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def import_index(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = ImportRun.objects.create(
            source=data["source"], file=data["file"], created_by=request.user,
            options={"maps": data["maps"], "members_confirmed": data["members_confirmed"],
                     "send_confirmations": data["send_confirmations"], "dry_run": data["dry_run"]})
        import_run_start(run=run)
        messages.success(request, "The import has been queued; this page shows its progress.")
        return redirect("imports_run", run.pk)
    return render(request, "imports/index.html", {"form": form, "runs": ImportRun.objects.all()[:20]})


def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    run = get_object_or_404(ImportRun, pk=pk)
    report = run.report or {}
    return render(request, "imports/run.html", {
        "run": run, "report": report, "working": run.status in (ImportRun.Status.PENDING, ImportRun.Status.RUNNING),
        "totals": [(label, report.get(label, 0)) for label in
                   ("articles", "pages", "authors", "comments", "images", "redirects", "readers", "confirmations_sent",
                    "media_missing")],
    })
