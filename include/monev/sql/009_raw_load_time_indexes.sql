-- The incremental facts read only what was loaded since their last run: BRIN indexes on
-- the load times (they grow with insertion order, so BRIN stays tiny), and the form
-- records changed since then by _id.
CREATE INDEX ON raw.realisasi_row USING brin (loaded_at);
CREATE INDEX ON raw.rencana_aksi_row USING brin (loaded_at);
CREATE INDEX ON raw.kobo_record USING brin (loaded_at);
CREATE INDEX ON raw.kobo_deletion USING brin (detected_at);
CREATE INDEX ON raw.kobo_record (kobo_id);
