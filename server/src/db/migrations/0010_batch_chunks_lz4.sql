-- Batch file chunks are compressed with lz4 instead of pglz where the server has lz4: a batch
-- build writes hundreds of megabytes of JSONL, and pglz cost Postgres about 5 s of CPU per 300 MB
-- (lz4: 1.3 s, and a smaller table). The bytes read back are the same; rows already stored keep
-- pglz. PGlite has no lz4 and keeps pglz.
DO $$
BEGIN
  ALTER TABLE batch_file_chunks ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END
$$;
