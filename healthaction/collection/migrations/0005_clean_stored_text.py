"""Clean what earlier versions stored without the shared field rules: control characters, lone surrogates and bidi
overrides removed, texts cut to their limits, non-finite numbers emptied; revision history too, so that a backup of
any database restores into any other."""

import math

from django.db import migrations, models

from healthaction.collection.validation import scrub, scrub_json

TEXTS = {
    "IndicatorValue": {"qualitative": "qualitative", "source": "source", "note": "note", "review_comment": "comment"},
    "TaskReport": {"text": "text", "review_comment": "comment"},
    "Revision": {"comment": "comment"},
    "Evidence": {"original_name": "name"},
}
NUMBERS = {"IndicatorValue": ("value", "numerator", "denominator")}


def clean(apps, schema_editor):
    for model_name, fields in TEXTS.items():
        model = apps.get_model("collection", model_name)
        numbers = NUMBERS.get(model_name, ())
        for obj in model.objects.all().iterator(chunk_size=2000):
            changed = []
            for name, rule in fields.items():
                value = getattr(obj, name)
                cleaned = scrub(value, rule)
                if cleaned != value:
                    setattr(obj, name, cleaned)
                    changed.append(name)
            for name in numbers:
                value = getattr(obj, name)
                if value is not None and not math.isfinite(value):
                    setattr(obj, name, None)
                    changed.append(name)
            if model_name == "Revision":
                data = scrub_json(obj.data)
                if data != obj.data:
                    obj.data = data
                    changed.append("data")
            if changed:
                model.objects.filter(pk=obj.pk).update(**{n: getattr(obj, n) for n in changed})


class Migration(migrations.Migration):

    dependencies = [
        ('collection', '0004_value_submitted_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='revision',
            name='action',
            field=models.CharField(choices=[('save', 'Saved as draft'), ('submit', 'Submitted'), ('return', 'Returned'), ('approve', 'Approved'), ('import', 'Imported'), ('reopen', 'Reopened by the office')], max_length=16, verbose_name='action'),
        ),
        migrations.RunPython(clean, migrations.RunPython.noop),
    ]
