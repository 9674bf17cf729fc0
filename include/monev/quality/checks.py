"""The checks of the gate (docs/evaluation.md, "The gate"), as Great Expectations expectations
on queries over the data the evaluation is built from.

Each dataset is a query; where a rule is "no row may look like this", the query returns
one row per violation with a readable ``problem`` and the expectation is that ``problem``
is null: GX then reports the number of violations and examples.
"""

from __future__ import annotations

from dataclasses import dataclass

from monev.load.kobo import DELETION_LIMITS

RAW_ROW_TABLES = ("register_row", "partner_master_row", "report", "rencana_aksi_row",
                  "realisasi_row", "kobo_record")

_HELD = " UNION ALL ".join(
    f"SELECT '{t}' AS raw_table, load_id, sheet, count(*) AS n,"
    f" count(*) FILTER (WHERE accepted) AS n_accepted FROM raw.{t} GROUP BY load_id, sheet"
    for t in RAW_ROW_TABLES)

DATASETS = {
    "register": """
        SELECT nomor_perjanjian, jenis, nomor_induk, mitra_name, kode_mitra,
               tanggal_tanda_tangan, tanggal_berakhir
        FROM evaluation_staging.eval_agreements""",
    "register_quarantined_rows": """
        SELECT q.file_name || ', sheet ' || q.sheet || ', row ' || q.row_number || ': '
               || q.reason_code AS problem
        FROM raw.quarantine AS q
        JOIN evaluation_staging.eval_latest_copies AS c
          ON c.kind = 'register' AND q.load_id = c.load_id""",
    "register_dates": """
        SELECT nomor_perjanjian || ': ends ' || tanggal_berakhir || ', before signing on '
               || tanggal_tanda_tangan AS problem
        FROM evaluation_staging.eval_agreements
        WHERE tanggal_berakhir < tanggal_tanda_tangan""",
    "register_partners": """
        SELECT nomor_perjanjian || ': Mitra "' || coalesce(mitra_name, '') || '"'
               || ' resolves to no single partner' AS problem
        FROM evaluation_staging.eval_agreements
        WHERE kode_mitra IS NULL""",
    "pks_parents": """
        SELECT 'PKS ' || p.nomor_perjanjian || ': Nomor Induk '
               || coalesce(p.nomor_induk, '(blank)') || ' is not an MoU in the register'
               AS problem
        FROM evaluation_staging.eval_agreements AS p
        WHERE p.jenis = 'PKS' AND NOT EXISTS (
            SELECT 1 FROM evaluation_staging.eval_agreements AS m
            WHERE m.jenis = 'MoU' AND m.nomor_perjanjian = p.nomor_induk)""",
    "reconciliation": f"""
        SELECT coalesce(r.file_name, r.page_url) || ', ' || r.sheet || ': arrived '
               || r.rows_arrived || ', accepted ' || r.rows_accepted || ', unchanged '
               || r.rows_unchanged || ', quarantined ' || r.rows_quarantined
               || '; raw holds ' || coalesce(h.n, 0) || ' (' || coalesce(h.n_accepted, 0)
               || ' accepted)' AS problem
        FROM audit.reconciliation AS r
        LEFT JOIN ({_HELD}) AS h
          ON h.raw_table = r.raw_table AND h.load_id = r.load_id AND h.sheet = r.sheet
        WHERE r.rows_arrived <> r.rows_accepted + r.rows_unchanged + r.rows_quarantined
           OR (r.raw_table IS NOT NULL
               AND (coalesce(h.n, 0) <> r.rows_arrived - r.rows_unchanged
                    OR coalesce(h.n_accepted, 0) <> r.rows_accepted))
        UNION ALL
        SELECT f.file_name || ': loaded but never reconciled'
        FROM raw.file_receipt AS f
        WHERE f.status = 'loaded'
          AND NOT EXISTS (SELECT 1 FROM audit.reconciliation AS r WHERE r.load_id = f.load_id)""",
    "submitted_outcomes": """
        SELECT source_record_key, nomor_perjanjian, coalesce(file_name || ' row '
               || row_number, 'form _id ' || kobo_id) AS source_record, capaian,
               jumlah_peserta, realisasi_anggaran
        FROM evaluation_staging.eval_submitted_outcomes""",
    "counted_outcome_references": """
        SELECT coalesce(o.file_name || ' row ' || o.row_number, 'form _id ' || o.kobo_id)
               || ': counted for ' || o.nomor_perjanjian || ' item ' || o.no_rencana_aksi
               || ', which ' || CASE WHEN a.nomor_perjanjian IS NULL
                                     THEN 'is not an agreement' ELSE 'is not an item' END
               AS problem
        FROM evaluation_staging.eval_counted_outcomes AS o
        LEFT JOIN evaluation_staging.eval_agreements AS a
          ON a.nomor_perjanjian = o.nomor_perjanjian
        LEFT JOIN evaluation_staging.eval_commitment_items AS i
          ON i.nomor_perjanjian = o.nomor_perjanjian AND i.item_no = o.no_rencana_aksi
        WHERE a.nomor_perjanjian IS NULL OR i.item_no IS NULL""",
    "commitment_items": """
        SELECT nomor_perjanjian, item_no, target, anggaran
        FROM evaluation_staging.eval_commitment_items""",
    "agreement_scorecard": """
        SELECT nomor_perjanjian, anggaran_komitmen, anggaran_realisasi
        FROM evaluation_staging.agreement_scorecard""",
    "bidang_progress": """
        SELECT bidang, satuan, target, capaian FROM evaluation_staging.bidang_progress""",
    # an empty evaluation is a data problem: typically copies whose received times were lost
    "evaluated_agreements": """
        SELECT 'no agreement is evaluated for ' || p.tahun || ' as of ' || p.as_of || ': '
               || late.n || ' file(s) were received after the cut-off'
               || coalesce(' (' || late.names || ')', '')
               || '; files copied without their received times all arrive on the day they'
               || ' were copied' AS problem
        FROM evaluation_staging.eval_period AS p
        CROSS JOIN LATERAL (
            SELECT count(*) AS n,
                   string_agg(file_name, ', ' ORDER BY file_name) FILTER (WHERE k <= 10)
                   || CASE WHEN count(*) > 10 THEN ', ...' ELSE '' END AS names
            FROM (SELECT file_name, row_number() OVER (ORDER BY file_name) AS k
                  FROM raw.file_receipt WHERE received_at >= p.cutoff_at) AS f) AS late
        WHERE NOT EXISTS (SELECT 1 FROM evaluation_staging.eval_agreements WHERE is_evaluated)""",
    "form_deletions": f"""
        WITH latest_sweep AS (
            SELECT DISTINCT ON (asset_uid) asset_uid, deletions_held
            FROM raw.kobo_sync WHERE mode = 'full' AND complete
            ORDER BY asset_uid, finished_at DESC),
        since_publication AS (
            SELECT d.asset_uid, count(*) AS deleted
            FROM raw.kobo_deletion AS d
            JOIN raw.kobo_sync AS s ON s.sync_id = d.sync_id
            WHERE NOT s.deletions_confirmed AND d.detected_at > (
                SELECT coalesce(max(published_at), '-infinity') FROM audit.publication)
            GROUP BY d.asset_uid)
        SELECT 'form ' || asset_uid || ': ' || deletions_held || ' deletions held back by the'
               || ' latest sweep, waiting for confirmation (confirm_deletions)' AS problem
        FROM latest_sweep WHERE deletions_held > 0
        UNION ALL
        SELECT 'form ' || s.asset_uid || ': ' || s.deleted || ' records deleted since the'
               || ' previous publication, more than {DELETION_LIMITS.share * 100:g} percent and'
               || ' {DELETION_LIMITS.records} of those held' AS problem
        FROM since_publication AS s
        WHERE s.deleted > {DELETION_LIMITS.records}
          AND s.deleted > {DELETION_LIMITS.share} * (
              SELECT count(DISTINCT kobo_id) FROM raw.kobo_record AS r
              WHERE r.asset_uid = s.asset_uid)""",
}


@dataclass(frozen=True)
class Check:
    name: str
    rule: str  # docs/evaluation.md's words
    dataset: str
    expectation: str  # a great_expectations.expectations class name
    kwargs: dict


def _no_problem(name: str, rule: str, dataset: str) -> Check:
    return Check(name, rule, dataset, "ExpectColumnValuesToBeNull", {"column": "problem"})


def _non_negative(dataset: str, column: str) -> Check:
    return Check(f"{dataset}.{column}_non_negative",
                 "Capaian, Jumlah Peserta, Target, Anggaran and Realisasi Anggaran are >= 0",
                 dataset, "ExpectColumnValuesToBeBetween", {"column": column, "min_value": 0})


CHECKS = [
    _no_problem("reconciliation", "for every received file and form page, data rows arrived"
                " = rows accepted + unchanged + quarantined", "reconciliation"),
    _no_problem("counted_outcomes_reference_agreement_and_item", "every counted outcome refers"
                " to an existing agreement and commitment item", "counted_outcome_references"),
    Check("source_records_once", "no source record appears twice among the outcomes",
          "submitted_outcomes", "ExpectColumnValuesToBeUnique", {"column": "source_record_key"}),
    *(_non_negative("submitted_outcomes", c)
      for c in ("capaian", "jumlah_peserta", "realisasi_anggaran")),
    *(_non_negative("commitment_items", c) for c in ("target", "anggaran")),
    *(_non_negative("agreement_scorecard", c)
      for c in ("anggaran_komitmen", "anggaran_realisasi")),
    *(_non_negative("bidang_progress", c) for c in ("target", "capaian")),
    _no_problem("register_no_quarantined_rows", "agreement register (latest copy): no row"
                " quarantined", "register_quarantined_rows"),
    Check("register_numbers_unique", "agreement register (latest copy): numbers unique",
          "register", "ExpectColumnValuesToBeUnique", {"column": "nomor_perjanjian"}),
    _no_problem("register_end_not_before_signing", "agreement register (latest copy): end"
                " date >= signing date", "register_dates"),
    _no_problem("register_pks_parent_is_mou", "agreement register (latest copy): every PKS's"
                " Nomor Induk is an MoU in the register", "pks_parents"),
    _no_problem("register_mitra_resolves", "agreement register (latest copy): every Mitra"
                " resolves to one partner", "register_partners"),
    _no_problem("agreements_evaluated", "at least one agreement is evaluated (the verdict"
                " names the files received after the cut-off)", "evaluated_agreements"),
    _no_problem("form_deletions_within_limits", "form deletions since the previous"
                " publication stay within the set limits; a larger wave waits for"
                " confirmation", "form_deletions"),
]


# Columns of partner text in the datasets. GX's Data Docs show failing examples as they
# are, so these reach GX HTML-escaped: a "<script>" in an agreement number stays text.
TEXT_COLUMNS = {"problem", "nomor_perjanjian", "source_record_key"}
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("''", "&#39;"))


def _html_escaped(expression: str) -> str:
    for raw, entity in _ENTITIES:  # & first, so no entity is escaped twice
        expression = f"replace({expression}, '{raw}', '{entity}')"
    return expression


# A monitoring build is checked on its inputs only (docs/monitoring.md): reconciliation and
# the register checks on the latest register copy received by its date.
MONITORING_CHECKS = ("reconciliation", "register_no_quarantined_rows", "register_numbers_unique",
                     "register_end_not_before_signing", "register_pks_parent_is_mou",
                     "register_mitra_resolves")


def gx_query(dataset: str, schema: str = "evaluation_staging") -> str:
    """The dataset as GX reads it: the columns its checks use, partner text escaped;
    ``schema``: where the build checked is (a monitoring build is in monitoring_staging)."""
    columns = sorted({c.kwargs["column"] for c in CHECKS if c.dataset == dataset})
    shown = ", ".join(f"{_html_escaped('q.' + c)} AS {c}" if c in TEXT_COLUMNS else f"q.{c}"
                      for c in columns)
    query = DATASETS[dataset].strip().replace("evaluation_staging.", f"{schema}.")
    return f"SELECT {shown} FROM ({query}) AS q"
