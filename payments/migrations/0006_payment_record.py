"""The brand's payment record: keep the expected date a delayed payout missed.

The delay sweep moves ``expected_on`` to the next run's date; ``missed_expected_on`` keeps the
date that was missed. Payouts already flagged delayed before this migration get the day before
they were flagged (the sweep runs daily and flags a payout the first day past its date): the
closest bound the data holds."""

from django.db import migrations, models

# All orgs (row-level security), for this transaction only.
BACKFILL_SQL = """
SELECT set_config('app.all_orgs', 'on', true);
UPDATE payments_payout SET missed_expected_on = (delayed_at AT TIME ZONE 'UTC')::date - 1
 WHERE delayed_at IS NOT NULL AND missed_expected_on IS NULL;
SELECT set_config('app.all_orgs', '', true);
"""


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_commission")]

    operations = [
        migrations.AddField(
            model_name="payout",
            name="missed_expected_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunSQL(BACKFILL_SQL, migrations.RunSQL.noop),
    ]
