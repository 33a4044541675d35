-- How many records Kafka delivered for each committed range (docs/ARCHITECTURE.md, "Offsets Kafka does not deliver").
-- Keeps every row; adds one column.
--
-- A consumer reading read_committed never hands out the records of aborted transactions nor the transaction markers,
-- yet the checkpoint must move past them: a 'stored' range may now cover more offsets than it has rows. The commit
-- records the records delivered in the range, and verify holds events + rejected = delivered. NULL (every range
-- committed before this script, or by a silo that did not count) keeps the old rule: events + rejected = the range's length.
-- No CHECK on it: a wrong count must not stop ingestion; verify reports it (a range delivering more than its length too).
ALTER TABLE kafka_commit_ledger ADD COLUMN IF NOT EXISTS delivered bigint;

