-- A sync is recorded whether or not it completed: an incomplete one (a page that was not
-- a page, a next link to another host, a loop, fewer records than the API counts) says
-- why and marked nothing deleted. A complete sweep that would delete a wave holds it
-- until a sync confirms it.
ALTER TABLE raw.kobo_sync
    ADD COLUMN complete boolean NOT NULL DEFAULT true,
    ADD COLUMN note text,
    ADD COLUMN deletions_held integer NOT NULL DEFAULT 0,
    ADD COLUMN deletions_confirmed boolean NOT NULL DEFAULT false;
