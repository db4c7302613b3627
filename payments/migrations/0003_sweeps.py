# A run reads its chunks by (run, state, id) after the last id: see payments/runs/processing.py.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0002_ledger_rules"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='payout',
            name='payout_run_state',
        ),
        migrations.AddIndex(
            model_name='payout',
            index=models.Index(fields=['run', 'state', 'id'], name='payout_run_state'),
        ),
    ]
