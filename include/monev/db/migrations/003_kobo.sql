-- Form records from the KoboToolbox API v2: one row per record *version* (a new row only
-- when the payload changed), the completed syncs, and deletions found by full sweeps.
-- All append-only: the loader may insert and read, never update or delete.

CREATE TABLE raw.kobo_record (
    version_id      bigserial PRIMARY KEY,       -- order of versions (later = newer)
    load_id         uuid NOT NULL,               -- one load per API page
    airflow_run_id  text,
    asset_uid       text NOT NULL,
    page_url        text NOT NULL,
    sheet           text NOT NULL DEFAULT 'results',  -- the page's results array
    kobo_id         bigint NOT NULL,             -- _id: the record's identity
    uuid            text,                        -- _uuid: changes on every edit
    root_uuid       text,                        -- meta/rootUuid: stable
    submission_time timestamptz,                 -- _submission_time (UTC): never moves
    received_at     timestamptz,                 -- = submission_time (docs/sources.md)
    validation_status text,                      -- _validation_status.uid, NULL if none
    payload_hash    text NOT NULL,               -- sha256 of the canonical JSON record
    loaded_at       timestamptz NOT NULL DEFAULT now(),
    accepted        boolean NOT NULL,
    raw_values      jsonb NOT NULL,              -- the record exactly as the API sent it
    nomor_perjanjian text, tahun integer, semester smallint, no_rencana_aksi integer,
    tanggal_kegiatan date, uraian_kegiatan text, provinsi text, kabupaten_kota text,
    capaian numeric, jumlah_peserta numeric, realisasi_anggaran numeric, kendala text,
    tindak_lanjut text, bukti jsonb,
    UNIQUE (load_id, kobo_id)
);
CREATE INDEX ON raw.kobo_record (asset_uid, kobo_id, version_id DESC);

-- A completed sync (incremental by _id, or a full sweep), written when it ends.
CREATE TABLE raw.kobo_sync (
    sync_id         uuid PRIMARY KEY,
    airflow_run_id  text,
    asset_uid       text NOT NULL,
    mode            text NOT NULL CHECK (mode IN ('incremental', 'full')),
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL DEFAULT now(),
    pages           integer NOT NULL,
    records_read    integer NOT NULL,
    new_versions    integer NOT NULL,
    deleted         integer NOT NULL
);

-- A record absent from a complete sweep: deleted from that sweep on. It names the version
-- it ends, so a record that reappears later starts a new, live version.
CREATE TABLE raw.kobo_deletion (
    asset_uid       text NOT NULL,
    kobo_id         bigint NOT NULL,
    last_version_id bigint NOT NULL REFERENCES raw.kobo_record (version_id),
    sync_id         uuid NOT NULL REFERENCES raw.kobo_sync (sync_id),
    detected_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (last_version_id)
);

GRANT SELECT, INSERT ON raw.kobo_record, raw.kobo_sync, raw.kobo_deletion TO monev_loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA raw TO monev_loader;
GRANT SELECT ON raw.kobo_record, raw.kobo_sync, raw.kobo_deletion
    TO monev_transformer, monev_auditor;
