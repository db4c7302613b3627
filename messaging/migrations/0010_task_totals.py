
import django.db.models.deletion
from django.db import migrations, models

# The task totals, kept by the database like the payout totals (payments 0004): one statement
# trigger per event, each adding the count per (org, owner role, state) of the rows it brings
# and subtracting those it takes away. An update that moves no task between roles or states
# nets to zero and writes nothing. Rows are upserted in key order, so concurrent statements
# lock them in one order. Existing tasks are counted once, every org visible until the
# migration's transaction ends.
DELTA = {
    "INSERT": "SELECT organization_id, owner_role, state, 1 AS n FROM task_rows_new",
    "DELETE": "SELECT organization_id, owner_role, state, -1 AS n FROM task_rows_old",
}
DELTA["UPDATE"] = f"{DELTA['INSERT']} UNION ALL {DELTA['DELETE']}"
REFERENCING = {
    "INSERT": "NEW TABLE AS task_rows_new",
    "DELETE": "OLD TABLE AS task_rows_old",
    "UPDATE": "NEW TABLE AS task_rows_new OLD TABLE AS task_rows_old",
}


def _trigger(event: str) -> str:
    name = f"task_totals_{event.lower()}"
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO messaging_tasktotal AS t (organization_id, owner_role, state, count)
  SELECT organization_id, owner_role, state, sum(n)
  FROM ({DELTA[event]}) AS delta
  GROUP BY organization_id, owner_role, state
  HAVING sum(n) <> 0
  ORDER BY organization_id, owner_role, state
  ON CONFLICT (organization_id, owner_role, state) DO UPDATE SET count = t.count + EXCLUDED.count;
  RETURN NULL;
END
$$;
CREATE TRIGGER {name} AFTER {event} ON messaging_task
  REFERENCING {REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


TOTALS_SQL = (
    "".join(_trigger(event) for event in ("INSERT", "UPDATE", "DELETE"))
    + """
SELECT set_config('app.all_orgs', 'on', true);
INSERT INTO messaging_tasktotal (organization_id, owner_role, state, count)
SELECT organization_id, owner_role, state, count(*) FROM messaging_task
GROUP BY organization_id, owner_role, state;
"""
)
REVERSE_SQL = "".join(
    f"DROP TRIGGER task_totals_{e} ON messaging_task; DROP FUNCTION task_totals_{e}();"
    for e in ("insert", "update", "delete")
)


class Migration(migrations.Migration):

    dependencies = [
        ('messaging', '0009_answer_times'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='TaskTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_role', models.CharField(choices=[('ism', 'Influencer success (ISM)'), ('bsm', 'Brand success (BSM)'), ('approver', 'Approver')], max_length=10)),
                ('state', models.CharField(choices=[('open', 'Open'), ('in_progress', 'In progress'), ('done', 'Done'), ('cancelled', 'Cancelled')], max_length=20)),
                ('count', models.BigIntegerField(default=0)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organization', 'owner_role', 'state'), name='task_total_unique')],
            },
        ),
        migrations.RunSQL(TOTALS_SQL, REVERSE_SQL),
    ]
