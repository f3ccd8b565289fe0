-- The metrics read each impression's annotations of one type, newest or oldest first. With this
-- index that lookup matches three equality columns and the sort order, so the planner takes it
-- even without statistics (PGlite has no autovacuum), instead of scanning every annotation of the
-- type per impression. It covers the older (tenant_id, impression_id) index, which goes.
CREATE INDEX annotations_impression_type_idx ON annotations (tenant_id, impression_id, type, created_at, seq);
DROP INDEX annotations_impression_idx;
