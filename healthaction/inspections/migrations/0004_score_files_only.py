from django.db import migrations


class Migration(migrations.Migration):
    """A separate step after the copy: PostgreSQL refuses to alter a table with pending foreign-key checks in one transaction."""

    dependencies = [
        ("inspections", "0003_score_files"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='score',
            name='evidence',
        ),
        migrations.RemoveField(
            model_name='score',
            name='evidence_name',
        ),
    ]
