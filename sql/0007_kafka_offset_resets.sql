-- Every time a partition's checkpoint had to jump because it lay outside the partition's log:
-- below the low watermark (retention deleted records before they were stored: they are lost in Kafka)
-- or above the high watermark (the broker lost or recreated the log: its offsets start again).
CREATE TABLE IF NOT EXISTS kafka_offset_resets (
    id              bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic           text         NOT NULL,
    partition       integer      NOT NULL,
    from_offset     bigint       NOT NULL,
    to_offset       bigint       NOT NULL,
    low_watermark   bigint       NOT NULL,
    high_watermark  bigint       NOT NULL,
    reason          text         NOT NULL,
    reset_at        timestamptz  NOT NULL DEFAULT CURRENT_TIMESTAMP
);
