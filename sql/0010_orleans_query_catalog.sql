-- Orleans ADO.NET query catalog.
-- The clustering, grain-storage and reminder providers send no SQL of their own: at start-up they
-- load every statement from this table by key (clustering and reminders load the whole table).
-- Names are unquoted and lower-case so the providers' unquoted "OrleansQuery"/"QueryKey"/"QueryText"
-- resolve. Keys must be unique and no text may be NULL (a NULL text breaks every provider's start).
-- Idempotent: the later scripts upsert their rows with ON CONFLICT (querykey).

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  text PRIMARY KEY,
    querytext text NOT NULL
);
