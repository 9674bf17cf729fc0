-- What monev wrote to partners and sent them (docs/partners.md): receipts (tanda terima)
-- for every received file and every day of form records of an agreement, report cards
-- (rapor) after each publication, and pre-filled templates after each register load. One row per document written (its path and hash) and
-- one per e-mail sent (to whom). Append-only: what was sent to whom can never be changed.

CREATE TABLE audit.receipt (
    receipt_id  bigserial PRIMARY KEY,
    document    text NOT NULL CHECK (document IN ('tanda_terima', 'rapor', 'templat')),
    -- a file's load_id; kobo:<day>:<nomor>; rapor:<tahun>:<as_of>:<kode_mitra>;
    -- templat:<tahun>:S<semester>:<register load_id>
    source_key  text NOT NULL,
    event       text NOT NULL CHECK (event IN ('written', 'sent')),
    kode_mitra  text,
    path        text NOT NULL,
    sha256      text NOT NULL,
    recipients  text[] NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT now()
);
-- the same bytes are sent once to the same addresses
CREATE UNIQUE INDEX receipt_sent_once ON audit.receipt (sha256, recipients)
    WHERE event = 'sent';
CREATE INDEX ON audit.receipt (source_key, at);
SELECT audit.make_append_only('audit.receipt');

GRANT SELECT, INSERT ON audit.receipt TO monev_transformer;
GRANT USAGE ON SEQUENCE audit.receipt_receipt_id_seq TO monev_transformer;
GRANT SELECT ON audit.receipt TO monev_auditor;
