"""Database checks that forms (the admin's among them) report on the field they concern, in words.

A plain CheckConstraint failing in a form shows "Constraint “partner_country_code_iso” is
violated." above the form. A FieldCheck shows its message on its field instead. It is the
same constraint in the database and in migrations (it deconstructs as a CheckConstraint).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class FieldCheck(models.CheckConstraint):
    def __init__(self, *, field: str, message: str, **kwargs) -> None:
        self.field = field
        self.message = message
        super().__init__(**kwargs)

    def validate(self, model, instance, exclude=None, using=None):
        try:
            super().validate(model, instance, exclude=exclude, **({"using": using} if using else {}))
        except ValidationError:
            raise ValidationError({self.field: ValidationError(self.message, code="invalid")}) from None

    def deconstruct(self):
        _, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs

    def clone(self) -> FieldCheck:
        _, args, kwargs = super().deconstruct()
        return self.__class__(*args, field=self.field, message=self.message, **kwargs)
