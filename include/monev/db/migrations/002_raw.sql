-- Raw layer: append-only (monev_loader may INSERT and SELECT, never UPDATE or DELETE).
-- Every data row carries its provenance; values are kept as they arrived (raw_values, text)
-- and as parsed (typed columns, NULL where a value did not parse).

CREATE TABLE raw.file_receipt (
    receipt_id      bigserial PRIMARY KEY,
    load_id         uuid NOT NULL UNIQUE,
    airflow_run_id  text,
    file_name       text NOT NULL,
    file_path       text NOT NULL,
    kind            text,                 -- register | partner_master | partner_report | NULL (unknown)
    sha256          text NOT NULL,
    size_bytes      bigint NOT NULL,
    received_at     timestamptz NOT NULL, -- this copy's last-modified time (staging takes the
                                          -- earliest among identical copies)
    status          text NOT NULL CHECK (status IN ('loaded', 'quarantined', 'duplicate')),
    duplicate_of    uuid,                 -- load_id of the first copy of the same bytes
    loaded_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (file_path, sha256, received_at)
);
CREATE INDEX ON raw.file_receipt (sha256);

CREATE TABLE raw.quarantine (
    quarantine_id   bigserial PRIMARY KEY,
    load_id         uuid NOT NULL,
    airflow_run_id  text,
    source          text NOT NULL CHECK (source IN ('drop', 'kobo')),
    file_name       text,                 -- drop files
    sha256          text,
    sheet           text,
    row_number      integer,              -- NULL: the whole file or sheet
    kobo_id         bigint,               -- form records
    page_url        text,
    column_name     text,
    value           text,
    reason_code     text NOT NULL,
    reason          text NOT NULL,
    scope           text NOT NULL CHECK (scope IN ('file', 'sheet', 'row')),
    received_at     timestamptz,
    loaded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON raw.quarantine (load_id);

-- provenance columns shared by every row table (kept explicit for readability)
CREATE TABLE raw.register_row (
    load_id uuid NOT NULL, airflow_run_id text, file_name text NOT NULL, sha256 text NOT NULL,
    sheet text NOT NULL, row_number integer NOT NULL, received_at timestamptz NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    accepted boolean NOT NULL, raw_values jsonb NOT NULL,
    no text, nomor_perjanjian text, jenis text, nomor_induk text, mitra text,
    tanggal_tanda_tangan date, tanggal_berakhir date, ruang_lingkup text,
    unit_pelaksana text, status text,
    PRIMARY KEY (load_id, sheet, row_number)
);

CREATE TABLE raw.partner_master_row (
    load_id uuid NOT NULL, airflow_run_id text, file_name text NOT NULL, sha256 text NOT NULL,
    sheet text NOT NULL, row_number integer NOT NULL, received_at timestamptz NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    accepted boolean NOT NULL, raw_values jsonb NOT NULL,
    kode_mitra text, nama_resmi text, singkatan text, kategori text, induk text,
    kode_provinsi text, berlaku_mulai date, berlaku_sampai date, alias text,
    PRIMARY KEY (load_id, sheet, row_number)
);

CREATE TABLE raw.report (
    load_id uuid NOT NULL, airflow_run_id text, file_name text NOT NULL, sha256 text NOT NULL,
    sheet text NOT NULL, row_number integer NOT NULL, received_at timestamptz NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    accepted boolean NOT NULL, raw_values jsonb NOT NULL,
    nama_instansi text, nomor_perjanjian text, tahun integer, semester smallint,
    nama_pelapor text, jabatan text, email text, tanggal_laporan date,
    rencana_aksi_readable boolean NOT NULL, realisasi_readable boolean NOT NULL,
    PRIMARY KEY (load_id)
);

CREATE TABLE raw.rencana_aksi_row (
    load_id uuid NOT NULL, airflow_run_id text, file_name text NOT NULL, sha256 text NOT NULL,
    sheet text NOT NULL, row_number integer NOT NULL, received_at timestamptz NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    accepted boolean NOT NULL, raw_values jsonb NOT NULL,
    no integer, bidang text, kegiatan text, indikator text, satuan text,
    target numeric, anggaran numeric, provinsi text,
    PRIMARY KEY (load_id, sheet, row_number)
);

CREATE TABLE raw.realisasi_row (
    load_id uuid NOT NULL, airflow_run_id text, file_name text NOT NULL, sha256 text NOT NULL,
    sheet text NOT NULL, row_number integer NOT NULL, received_at timestamptz NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    accepted boolean NOT NULL, raw_values jsonb NOT NULL,
    no text, no_rencana_aksi integer, tanggal_kegiatan date, uraian_kegiatan text,
    provinsi text, kabupaten_kota text, capaian numeric, jumlah_peserta numeric,
    realisasi_anggaran numeric, kendala text, tindak_lanjut text, tautan_bukti text,
    PRIMARY KEY (load_id, sheet, row_number)
);

-- Reconciliation: per file (or form page) and sheet, arrived = accepted + unchanged + quarantined.
CREATE TABLE audit.reconciliation (
    load_id         uuid NOT NULL,
    airflow_run_id  text,
    source          text NOT NULL CHECK (source IN ('drop', 'kobo')),
    file_name       text,
    page_url        text,
    sheet           text NOT NULL,
    raw_table       text,                 -- where the sheet's data rows landed
    rows_arrived    integer NOT NULL,
    rows_accepted   integer NOT NULL,
    rows_unchanged  integer NOT NULL DEFAULT 0,
    rows_quarantined integer NOT NULL,
    rows_skipped    integer NOT NULL,
    checked_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (load_id, sheet),
    CHECK (rows_arrived = rows_accepted + rows_unchanged + rows_quarantined)
);

GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA raw TO monev_loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA raw TO monev_loader;
GRANT SELECT ON ALL TABLES IN SCHEMA raw TO monev_transformer, monev_auditor;
GRANT SELECT, INSERT ON audit.reconciliation TO monev_loader;
GRANT SELECT ON audit.reconciliation TO monev_transformer, monev_auditor;
