-- The incremental facts re-read the form records that changed, by _id (kobo_id), beside
-- the (asset_uid, kobo_id, version_id) index of 003.
CREATE INDEX ON raw.kobo_record (kobo_id);
