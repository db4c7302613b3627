from django.db import migrations

# Recount an org's punctuality rows when its schedule is made, or when an update really
# changes the time zone: the schedule form saves every field, and a save that keeps the zone
# recounted every payout of the org (0008 fired on any UPDATE OF time_zone).
SQL = """
DROP TRIGGER payout_punctuality_zone ON payments_paymentschedule;
CREATE TRIGGER payout_punctuality_zone_new AFTER INSERT
  ON payments_paymentschedule FOR EACH ROW EXECUTE FUNCTION payout_punctuality_recount();
CREATE TRIGGER payout_punctuality_zone_changed AFTER UPDATE OF time_zone
  ON payments_paymentschedule FOR EACH ROW
  WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
  EXECUTE FUNCTION payout_punctuality_recount();
"""
REVERSE_SQL = """
DROP TRIGGER payout_punctuality_zone_new ON payments_paymentschedule;
DROP TRIGGER payout_punctuality_zone_changed ON payments_paymentschedule;
CREATE TRIGGER payout_punctuality_zone AFTER INSERT OR UPDATE OF time_zone
  ON payments_paymentschedule FOR EACH ROW EXECUTE FUNCTION payout_punctuality_recount();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0008_punctuality_triggers"),
    ]

    operations = [
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]
