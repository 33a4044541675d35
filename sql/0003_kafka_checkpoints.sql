-- Stream checkpoints: per (topic, partition), the next Kafka offset to store.
-- A row is pinned before the partition's first read (so 'latest' never skips events after a crash),
-- and moves forward only in the transaction that stores the rows it covers, by compare-and-set.
CREATE TABLE IF NOT EXISTS kafka_checkpoints (
    topic       text         NOT NULL,
    partition   integer      NOT NULL CHECK (partition >= 0),
    next_offset bigint       NOT NULL CHECK (next_offset >= 0),
    updated_at  timestamptz  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (topic, partition)
);
