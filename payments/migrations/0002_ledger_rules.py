"""The ledger's rules, in the database: append-only, and balanced per currency."""

from django.db import migrations

LEDGER_SQL = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only (% on % refused)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER ledger_entry_append_only
  BEFORE UPDATE OR DELETE ON payments_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transaction_append_only
  BEFORE UPDATE OR DELETE ON payments_ledgertransaction
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

-- Every INSERT into the ledger must balance on its own: for each (transaction, currency) the
-- rows of the statement sum to zero. Entries are never updated or deleted, so every
-- transaction, the sum of balanced statements, balances too. One check per statement (a
-- transition table), not per row: bulk moves of 100k payouts stay cheap.
CREATE OR REPLACE FUNCTION ledger_check_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  unbalanced record;
BEGIN
  SELECT transaction_id, currency, sum(amount) AS total INTO unbalanced
    FROM inserted
   GROUP BY transaction_id, currency
  HAVING sum(amount) <> 0
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % does not balance in %: off by %',
      unbalanced.transaction_id, unbalanced.currency, unbalanced.total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER ledger_entry_balanced
  AFTER INSERT ON payments_ledgerentry
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_balanced();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS ledger_entry_balanced ON payments_ledgerentry;
DROP FUNCTION IF EXISTS ledger_check_balanced();
DROP TRIGGER IF EXISTS ledger_entry_append_only ON payments_ledgerentry;
DROP TRIGGER IF EXISTS ledger_transaction_append_only ON payments_ledgertransaction;
DROP FUNCTION IF EXISTS ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunSQL(LEDGER_SQL, REVERSE_SQL)]
