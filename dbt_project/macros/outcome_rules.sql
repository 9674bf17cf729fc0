{#- The rows a year's rules look at, for any year (the evaluation's Y; the monitoring's Y
    and, while corrections still count, Y-1). `year` is an expression over `p`, the
    evaluation period (eval_period). -#}

{#- Submitted outcome rows of each agreement for `year`: the Realisasi rows of its latest
    workbook for each semester of that year, and its form records for that year (latest
    version, not deleted, received on or before the cut-off, not marked not-approved). -#}
{% macro submitted_outcome_rows(year) -%}
    select o.*
    from {{ ref('fct_outcome') }} as o
    inner join {{ ref('eval_workbooks') }} as w on o.workbook_load_id = w.workbook_load_id
    cross join {{ ref('eval_period') }} as p
    where w.is_latest_for_semester and w.tahun = {{ year }}

    union all

    select o.*
    from {{ ref('fct_outcome') }} as o
    inner join {{ ref('eval_agreements') }} as a on o.nomor_perjanjian = a.nomor_perjanjian
    cross join {{ ref('eval_period') }} as p
    where
        o.channel = 'form'
        and o.is_latest_version
        and not o.is_deleted
        and not o.is_not_approved
        and o.tahun = {{ year }}
        and o.received_at < p.cutoff_at
{%- endmacro %}

{#- Commitment items (rencana aksi) of each agreement for `year`: the accepted items of
    the latest workbook of that agreement for that year (either semester) with a readable
    Rencana Aksi sheet. -#}
{% macro action_plan_items(year) -%}
    select
        w.nomor_perjanjian,
        c.item_no,
        c.bidang,
        c.satuan,
        c.target,
        c.anggaran,
        c.kegiatan,
        c.indikator,
        c.kode_provinsi,
        c.commitment_key,
        c.workbook_load_id,
        c.file_name,
        c.sha256,
        c.sheet,
        c.row_number,
        c.received_at
    from {{ ref('eval_workbooks') }} as w
    inner join {{ ref('fct_commitment') }} as c on w.workbook_load_id = c.workbook_load_id
    cross join {{ ref('eval_period') }} as p
    where w.is_latest_action_plan and w.tahun = {{ year }} and c.passed_ingestion
{%- endmacro %}
