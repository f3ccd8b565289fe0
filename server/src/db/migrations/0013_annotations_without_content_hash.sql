-- A sync no longer hashes annotations to tell a retry (duplicate) from a conflict: an id already
-- stored is compared with the stored body itself (annotations/same-content.ts), which only a
-- redelivery pays for. Ingest then sends the request's own JSON to Postgres, which reads every
-- column from it, and this process encodes nothing again (bench/sync-ingest.ts). Nothing else
-- read the hash. During a rolling upgrade a replica that has not been upgraded yet fails its
-- syncs with a 5xx once this has run; extensions retry them, and a new replica stores them.
ALTER TABLE annotations DROP COLUMN content_hash;
