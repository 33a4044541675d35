-- Which silo reads which Orleans queue (= Kafka partition) of a cluster's stream provider, written by the silos'
-- queue balancers (EvenSpreadQueueBalancer) under a transaction-scoped advisory lock; membership_version is the
-- Orleans membership version the assignment was computed from, so a silo with an older view never overwrites it.
-- For balancing only: what is stored, and where a partition resumes, is decided by kafka_checkpoints alone.
CREATE TABLE IF NOT EXISTS kafka_queue_owners
(
    scope              text        NOT NULL,
    queue              integer     NOT NULL CHECK (queue >= 0),
    owner              text        NOT NULL,
    membership_version bigint      NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, queue)
);

-- Balancers read and upsert their scope's rows; nothing deletes them.
GRANT SELECT, INSERT, UPDATE ON kafka_queue_owners TO user_events_runtime;
