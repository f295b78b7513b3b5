"""The one rule for what free text may hold, applied at the model level so that no door misses it.

Every CharField and TextField of healthaction's models (round titles, finding comments, score notes, robot secrets,
plan texts, …) refuses C0 control characters other than tab, line feed and carriage return, DEL, C1 controls, lone
surrogates and the bidirectional embeddings, overrides and isolates that make a text read differently from what is
stored (Trojan Source). Two places enforce it, installed by `install()` when the apps are ready:

* each such field carries the validator, so model forms, the admin and DRF model serializers show the error on the
  field, in the user's language, before anything is saved;
* a pre_save check runs the same test on every save of those fields (services, commands, imports, plain forms), so a
  door that skips validation stores nothing either: it raises ValidationError naming the field.

Texts read from documents are cleaned by documents.normalize before they reach a model.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
SURROGATE = "\ud800-\udfff"
BIDI = "\u202a-\u202e\u2066-\u2069"
BAD = re.compile(f"[{CONTROL}{SURROGATE}{BIDI}]")


def describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    try:
        return f"{code} {unicodedata.name(char)}"
    except ValueError:
        return code


def control_problem(value) -> str | None:
    """Why a text may not be stored (the first refused character, named), or None."""
    if not isinstance(value, str):
        return None
    bad = BAD.search(value)
    if bad is None:
        return None
    return _(
        "The text contains an invisible control character (%(c)s) that cannot be stored; delete it and retype."
    ) % {"c": describe(bad.group())}


@deconstructible
class RefuseControlCharacters:
    """Field validator (forms and models): refuse what `control_problem` refuses."""

    def __call__(self, value) -> None:
        problem = control_problem(value)
        if problem:
            raise ValidationError(problem, code="control_character")

    def __eq__(self, other) -> bool:
        return isinstance(other, RefuseControlCharacters)


refuse_control_characters = RefuseControlCharacters()


def text_fields(model) -> list:
    """The free-text fields of a model: CharField and TextField without a fixed list of choices."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField)) and not f.choices and not f.primary_key
    ]


def _check_on_save(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if raw:  # fixtures and restores load what was stored as it was
        return
    errors = {}
    for f in _FIELDS.get(sender, ()):
        if update_fields is not None and f.name not in update_fields:
            continue
        problem = control_problem(getattr(instance, f.attname))
        if problem:
            errors[f.name] = [f"{f.verbose_name}：{problem}"]
    if errors:
        raise ValidationError(errors)


_FIELDS: dict = {}


def install(app_configs) -> None:
    """Give every free-text field of these apps' models the validator and the save-time check (once)."""
    for config in app_configs:
        for model in config.get_models():
            fields = text_fields(model)
            if not fields or model in _FIELDS:
                continue
            _FIELDS[model] = fields
            for f in fields:
                # the field's validators list (not the deconstructed _validators): no migration for a runtime rule
                if refuse_control_characters not in f.validators:
                    f.validators.append(refuse_control_characters)
            pre_save.connect(_check_on_save, sender=model, dispatch_uid=f"core-text-{model._meta.label}")
