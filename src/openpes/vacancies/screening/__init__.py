"""Vacancy screening: discrimination and fraud flags for a posting, each with its reason and, for
discrimination, the article of law it breaks. Pure: no Django import; the review queue calls `screen`.

The rules are data (rules.toml beside this file: terms, patterns, lawful look-alikes, exceptions, the laws);
the engine folds the text so that spaces, symbols, full-width letters and traditional characters inside a term
do not hide it (normalise.py), and points every flag back at the characters the employer wrote.
docs/screening.md explains each flag to clerks and how to add a term or an exception.
"""

from openpes.vacancies.screening.engine import Flag, screen
from openpes.vacancies.screening.going_rate import going_rate
from openpes.vacancies.screening.ruleset import LawArticle, RulesError, RuleSet, default_rules, parse_rules

__all__ = [
    "Flag",
    "LawArticle",
    "RuleSet",
    "RulesError",
    "default_rules",
    "going_rate",
    "parse_rules",
    "screen",
]
