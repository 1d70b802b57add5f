-- Timeline events carry typed data (package event). The rows written
-- before keep their flat map of strings: the timeline is append-only, so
-- they are not rewritten but read by event's legacy decoder, which this
-- column tells apart. Existing rows are version 1; the store writes
-- event.Version with every new row.
ALTER TABLE events ADD COLUMN data_version INTEGER NOT NULL DEFAULT 1;
