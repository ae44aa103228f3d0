"""The import batch is kept as its id, by value: projects sits below the imports app (issue 8 §1).

The column (import_batch_id, bigint, indexed, no constraint since 0003) stays exactly as it is;
only Django's picture of it changes, from a foreign key to a plain integer.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0003_provenance_unconstrained"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="projectstagelog", name="import_batch"),
                migrations.AddField(
                    model_name="projectstagelog",
                    name="import_batch_id",
                    field=models.BigIntegerField(blank=True, db_index=True, null=True),
                ),
            ],
            database_operations=[],
        ),
    ]
