from django_tasks import task

from translation.jobs import translation_job_run


@task()
def translate_page(page_id: int, language: str) -> None:
    translation_job_run(page_id=page_id, language=language)
