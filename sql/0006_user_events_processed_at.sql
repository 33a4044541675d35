-- The processing rate (rows stored in the last minutes) reads the newest rows by processed_at. Rows are appended in
-- about processed_at order, so a BRIN index finds them by reading only the table's last block ranges, and costs
-- the writers next to nothing (a B-tree would add a second write per row).
CREATE INDEX IF NOT EXISTS idx_user_events_processed_at ON user_events USING brin (processed_at) WITH (autosummarize = on);
