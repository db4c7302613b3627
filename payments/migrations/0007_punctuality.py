import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0001_initial'),
        ('payments', '0006_payment_record'),
    ]

    operations = [
        migrations.CreateModel(
            name='PayoutPunctuality',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('promised_on', models.DateField()),
                ('paid_on', models.DateField(blank=True, null=True)),
                ('count', models.BigIntegerField(default=0)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organization', 'promised_on', 'paid_on'), name='payout_punctuality_unique', nulls_distinct=False)],
            },
        ),
    ]
