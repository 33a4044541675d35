-- The offset pinned when the partition was first read: stored rows are expected for every offset from here
-- to next_offset. Null for checkpoints pinned before this script (then the smallest stored offset stands in).
ALTER TABLE kafka_checkpoints ADD COLUMN IF NOT EXISTS start_offset bigint CHECK (start_offset >= 0);
