import django.db.models.deletion
from django.db import migrations, models

# Each commission clawed back so far becomes one clawback row (settled where it has a payout),
# before the commission's own clawback_payout goes. Every org visible until the migration's
# transaction ends.
COPY_SQL = """
SELECT set_config('app.all_orgs', 'on', true);
INSERT INTO commerce_commissionclawback
  (organization_id, commission_id, enrollment_id, amount, currency, booked_at, settled_payout_id,
   settled_at)
SELECT organization_id, id, enrollment_id, clawback_amount, currency, updated_at,
       clawback_payout_id, CASE WHEN clawback_payout_id IS NOT NULL THEN updated_at END
FROM commerce_commission WHERE clawback_amount > 0;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('commerce', '0001_initial'),
        ('organizations', '0001_initial'),
        ('payments', '0006_payment_record'),
        ('programs', '0012_commission'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommissionClawback',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12)),
                ('currency', models.CharField(max_length=3)),
                ('booked_at', models.DateTimeField()),
                ('settled_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['booked_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='commissionclawback',
            name='commission',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='clawbacks', to='commerce.commission'),
        ),
        migrations.AddField(
            model_name='commissionclawback',
            name='enrollment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programs.enrollment'),
        ),
        migrations.AddField(
            model_name='commissionclawback',
            name='organization',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization'),
        ),
        migrations.AddField(
            model_name='commissionclawback',
            name='settled_payout',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='clawbacks', to='payments.payout'),
        ),
        migrations.AddIndex(
            model_name='commissionclawback',
            index=models.Index(condition=models.Q(('settled_payout__isnull', True)), fields=['organization', 'enrollment'], name='clawback_outstanding'),
        ),
        migrations.AddConstraint(
            model_name='commissionclawback',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='clawback_amount_positive'),
        ),
        migrations.RunSQL(COPY_SQL, migrations.RunSQL.noop),
        migrations.RemoveIndex(
            model_name='commission',
            name='commission_clawback_due',
        ),
        migrations.RemoveField(
            model_name='commission',
            name='clawback_payout',
        ),
    ]
