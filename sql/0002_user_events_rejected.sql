-- Dead letters: every Kafka record that is not a valid event, with its raw bytes and the reason.
-- Together with user_events it accounts for every offset of the topic.
CREATE TABLE IF NOT EXISTS user_events_rejected (
    id              bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kafka_partition integer      NOT NULL,
    kafka_offset    bigint       NOT NULL,
    raw_key         bytea,
    raw_value       bytea,
    reason          text         NOT NULL,
    received_at     timestamptz  NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX IF NOT EXISTS idx_user_events_rejected_received_at ON user_events_rejected (received_at);
