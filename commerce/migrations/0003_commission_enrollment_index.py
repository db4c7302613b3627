import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commerce', '0002_clawbacks'),
        ('programs', '0012_commission'),
    ]

    operations = [
        migrations.AlterField(
            model_name='commission',
            name='enrollment',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='commissions', to='programs.enrollment'),
        ),
    ]
