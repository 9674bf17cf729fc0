-- The published evaluation (schema evaluation): the four marts of docs/evaluation.md for every
-- (tahun, as_of) published, side by side. dbt builds them in evaluation_staging; the
-- publish step replaces one (tahun, as_of)'s rows here in one transaction and records it
-- in audit.publication. Column names and order are the spec's: a contract for BI users.

CREATE TABLE evaluation.agreement_scorecard (
    tahun integer NOT NULL, as_of date NOT NULL, nomor_perjanjian text NOT NULL,
    jenis text NOT NULL, kode_mitra text, nama_mitra text, days_in_force integer NOT NULL,
    activities integer NOT NULL, realisasi numeric NOT NULL, kepatuhan numeric NOT NULL,
    kualitas_data numeric NOT NULL, skor numeric NOT NULL, kategori text NOT NULL,
    tidur boolean NOT NULL, tanpa_rencana_aksi boolean NOT NULL, last_activity_date date,
    anggaran_komitmen numeric NOT NULL, anggaran_realisasi numeric NOT NULL, kendala text,
    PRIMARY KEY (tahun, as_of, nomor_perjanjian)
);

CREATE TABLE evaluation.partner_scorecard (
    tahun integer NOT NULL, as_of date NOT NULL, kode_mitra text NOT NULL, nama_mitra text,
    kategori_mitra text, agreements_evaluated integer NOT NULL,
    agreements_tidur integer NOT NULL, mean_skor numeric NOT NULL,
    anggaran_komitmen numeric NOT NULL, anggaran_realisasi numeric NOT NULL,
    PRIMARY KEY (tahun, as_of, kode_mitra)
);

CREATE TABLE evaluation.bidang_progress (
    tahun integer NOT NULL, as_of date NOT NULL, bidang text, satuan text,
    target numeric NOT NULL, capaian numeric NOT NULL, persen numeric
);
CREATE UNIQUE INDEX bidang_progress_key
    ON evaluation.bidang_progress (tahun, as_of, bidang, satuan) NULLS NOT DISTINCT;

CREATE TABLE evaluation.sleeping_agreements (
    tahun integer NOT NULL, as_of date NOT NULL, nomor_perjanjian text NOT NULL,
    jenis text NOT NULL, kode_mitra text, nama_mitra text, days_in_force integer NOT NULL,
    tanggal_berakhir date NOT NULL, nama_pelapor text, jabatan text, email text,
    PRIMARY KEY (tahun, as_of, nomor_perjanjian)
);

-- One row per publication: which (tahun, as_of), by which run, how many rows per mart.
CREATE TABLE audit.publication (
    publication_id  uuid PRIMARY KEY,
    tahun           integer NOT NULL,
    as_of           date NOT NULL,
    airflow_run_id  text,
    row_counts      jsonb NOT NULL,
    published_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON audit.publication (tahun, as_of, published_at);

GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA evaluation TO monev_transformer;
GRANT SELECT ON ALL TABLES IN SCHEMA evaluation TO monev_bi, monev_auditor;
GRANT SELECT, INSERT ON audit.publication TO monev_transformer;
GRANT SELECT ON audit.publication TO monev_auditor;
