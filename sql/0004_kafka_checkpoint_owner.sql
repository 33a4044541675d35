-- The silo whose receiver last started on a partition (Orleans' SiloAddress, "ip:port@generation"), and since when.
-- Written when a receiver starts, never by the commit path: it is for monitoring only.
ALTER TABLE kafka_checkpoints ADD COLUMN IF NOT EXISTS owner text;
ALTER TABLE kafka_checkpoints ADD COLUMN IF NOT EXISTS owner_since timestamptz;
