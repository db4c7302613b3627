from django.db import migrations


# The payment record's payouts, kept per (org, promised day, paid day) by the database: one
# statement trigger per event on payments_payout adds the rows a statement brings and
# subtracts those it takes away (upserted in key order, as the payout totals are); a change of
# the payment schedule's time zone (the zone a payout's paid day is read in) recounts the
# org. Counted, as payments.record.selectors says: an expected date, and paid, or still owed
# (earned, on hold, scheduled, processing, failed) but not held for the creator's own
# readiness (the hold reason payments.readiness.services.READINESS_HOLD starts with).
READINESS_HOLD = "Waiting for payout readiness: "
OWED = "'earned', 'on_hold', 'scheduled', 'processing', 'failed'"
COUNTED = (
    "p.expected_on IS NOT NULL AND ((p.state = 'paid' AND p.paid_at IS NOT NULL) OR "
    f"(p.state IN ({OWED}) AND left(p.hold_reason, {len(READINESS_HOLD)}) <> "
    f"'{READINESS_HOLD}'))"
)
ZONE = (
    "COALESCE((SELECT s.time_zone FROM payments_paymentschedule s "
    "WHERE s.organization_id = p.organization_id LIMIT 1), 'UTC')"
)
KEY = (
    "p.organization_id, COALESCE(p.missed_expected_on, p.expected_on) AS promised_on, "
    f"CASE WHEN p.state = 'paid' THEN (p.paid_at AT TIME ZONE {ZONE})::date END AS paid_on"
)


def _rows(table: str, sign: int) -> str:
    return f"SELECT {KEY}, {sign} AS n FROM {table} p WHERE {COUNTED}"


DELTA = {
    "INSERT": _rows("payout_rows_new", 1),
    "DELETE": _rows("payout_rows_old", -1),
}
DELTA["UPDATE"] = f"{DELTA['INSERT']} UNION ALL {DELTA['DELETE']}"
REFERENCING = {
    "INSERT": "NEW TABLE AS payout_rows_new",
    "DELETE": "OLD TABLE AS payout_rows_old",
    "UPDATE": "NEW TABLE AS payout_rows_new OLD TABLE AS payout_rows_old",
}
UPSERT = """
  INSERT INTO payments_payoutpunctuality AS t (organization_id, promised_on, paid_on, count)
  SELECT organization_id, promised_on, paid_on, sum(n)
  FROM ({rows}) AS delta
  GROUP BY organization_id, promised_on, paid_on
  HAVING sum(n) <> 0
  ORDER BY organization_id, promised_on, paid_on
  ON CONFLICT (organization_id, promised_on, paid_on) DO UPDATE SET count = t.count + EXCLUDED.count;
"""


def _trigger(event: str) -> str:
    name = f"payout_punctuality_{event.lower()}"
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{UPSERT.format(rows=DELTA[event])}
  RETURN NULL;
END
$$;
CREATE TRIGGER {name} AFTER {event} ON payments_payout
  REFERENCING {REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


RECOUNT = f"""
CREATE OR REPLACE FUNCTION payout_punctuality_recount() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM payments_payoutpunctuality WHERE organization_id = NEW.organization_id;
{UPSERT.format(rows=_rows("payments_payout", 1) + " AND p.organization_id = NEW.organization_id")}
  RETURN NULL;
END
$$;
CREATE TRIGGER payout_punctuality_zone AFTER INSERT OR UPDATE OF time_zone
  ON payments_paymentschedule FOR EACH ROW EXECUTE FUNCTION payout_punctuality_recount();
"""

SQL = (
    "".join(_trigger(event) for event in ("INSERT", "UPDATE", "DELETE"))
    + RECOUNT
    + "SELECT set_config('app.all_orgs', 'on', true);"
    + UPSERT.format(rows=_rows("payments_payout", 1))
)
REVERSE_SQL = "".join(
    f"DROP TRIGGER payout_punctuality_{e} ON payments_payout; "
    f"DROP FUNCTION payout_punctuality_{e}();"
    for e in ("insert", "update", "delete")
) + (
    "DROP TRIGGER payout_punctuality_zone ON payments_paymentschedule; "
    "DROP FUNCTION payout_punctuality_recount();"
)



class Migration(migrations.Migration):
    # Apart from 0007: Django creates the table's unique constraint at the end of that
    # migration, and the upserts below need it.

    dependencies = [
        ("payments", "0007_punctuality"),
    ]

    operations = [
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]
