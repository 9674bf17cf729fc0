-- The partners' receipts look reports up by agreement (an earlier or later copy, the
-- reporter's address) once per file, and form records up by Jakarta day of submission and
-- agreement once per form day. Without these indexes each lookup read the whole table, and
-- a receipts pass over an archive grew with the square of its size.
CREATE INDEX report_agreement_semester ON raw.report (nomor_perjanjian, tahun, semester);
CREATE INDEX kobo_record_day_agreement ON raw.kobo_record (
    ((submission_time AT TIME ZONE 'Asia/Jakarta')::date), (coalesce(nomor_perjanjian, '')));
