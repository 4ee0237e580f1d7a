"""Job search for the public and for staff: Chinese full-text search over the published vacancies with
filters, sorting and pagination (`engine`), answered by a tantivy index kept beside the database (`index`)
or by the database's own full-text index, on segmented text with synonyms of common titles (`text`)."""

from openpes.vacancies.search import index
from openpes.vacancies.search.engine import (
    SearchPage,
    SearchQuery,
    Sort,
    index_vacancies,
    rebuild,
    remove_vacancies,
    search,
    sync_vacancy,
)

__all__ = [
    "SearchPage",
    "SearchQuery",
    "Sort",
    "index",
    "index_vacancies",
    "rebuild",
    "remove_vacancies",
    "search",
    "sync_vacancy",
]
