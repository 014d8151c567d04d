"""OPM3-style questionnaires: the model, the YAML loader and validator, the built-in files.

Imports nothing of the web or the database: `scoring` and outside scripts depend on it.
"""

from questionnaires.loader import (
    LoadedQuestionnaire,
    QuestionnaireFileError,
    builtin_directory,
    content_hash,
    load_directories,
    load_file,
    parse_questionnaire,
    questionnaire_files,
)
from questionnaires.model import (
    BestPractice,
    Domain,
    Enabler,
    Question,
    Questionnaire,
    Scale,
    ScaleOption,
    ScoringParameters,
    ShortFormOf,
    Stage,
    version_precedence,
)
from questionnaires.short_form import short_form_problems

__all__ = [
    "BestPractice",
    "Domain",
    "Enabler",
    "LoadedQuestionnaire",
    "Question",
    "Questionnaire",
    "QuestionnaireFileError",
    "Scale",
    "ScaleOption",
    "ScoringParameters",
    "ShortFormOf",
    "Stage",
    "builtin_directory",
    "content_hash",
    "load_directories",
    "load_file",
    "parse_questionnaire",
    "questionnaire_files",
    "short_form_problems",
    "version_precedence",
]
