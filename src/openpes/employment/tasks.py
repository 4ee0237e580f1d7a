"""Background work of the employment app, through Django's tasks API (django-tasks): a worker
(`openpes worker`) runs what the pages queue. A task is a face, like a page or the CLI: it finds the records
and calls a service."""

from __future__ import annotations

import logging

from django_tasks import task

from openpes.accounts.models import Staff
from openpes.core.errors import DomainError
from openpes.employment.models import SurveyImport
from openpes.employment.services import survey_import as importing

logger = logging.getLogger(__name__)


@task()
def run_survey_import(import_id: int, actor_id: int) -> str:
    """Import a checked survey upload queued by the page; the record says how it went."""
    record = SurveyImport.objects.get(pk=import_id)
    actor = Staff.objects.get(pk=actor_id)
    try:
        importing.survey_import(actor=actor, record=record)
    except DomainError as exc:
        importing.survey_failed(record=record, message="；".join(e.message for e in exc.errors))
    except Exception:
        importing.survey_failed(record=record, message="导入时发生系统错误，未导入任何数据；请联系系统管理员")
        logger.exception("survey import %s failed", import_id)
        raise
    return record.status
