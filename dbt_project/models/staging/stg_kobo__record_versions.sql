-- Every stored version of every form record. The latest version of a record is the one
-- that counts (edits are corrections); a record a complete sweep no longer found is deleted.
with versions as (
    select
        *,
        row_number() over (
            partition by asset_uid, kobo_id order by version_id desc
        ) = 1 as is_latest_version,
        max(loaded_at) over (partition by asset_uid, kobo_id) as last_loaded_at
    from {{ source('raw', 'kobo_record') }}
),

deletions as (
    select
        asset_uid,
        kobo_id,
        max(detected_at) as last_detected_at
    from {{ source('raw', 'kobo_deletion') }}
    group by asset_uid, kobo_id
)

select
    v.version_id,
    v.load_id,
    v.airflow_run_id,
    v.asset_uid,
    v.page_url,
    v.kobo_id,
    v.uuid,
    v.root_uuid,
    v.submission_time as received_at,
    v.validation_status,
    coalesce(v.validation_status = 'validation_status_not_approved', false) as is_not_approved,
    v.payload_hash,
    v.loaded_at,
    v.accepted,
    trim(v.nomor_perjanjian) as nomor_perjanjian,
    v.tahun,
    v.semester,
    v.no_rencana_aksi,
    v.tanggal_kegiatan,
    v.uraian_kegiatan,
    v.provinsi,
    v.kabupaten_kota,
    v.capaian,
    v.jumlah_peserta,
    v.realisasi_anggaran,
    v.kendala,
    v.tindak_lanjut,
    v.bukti,
    v.is_latest_version,
    coalesce(d.last_version_id is not null, false) as is_deleted,
    greatest(v.last_loaded_at, x.last_detected_at) as record_changed_at
from versions as v
left join {{ source('raw', 'kobo_deletion') }} as d
    on v.version_id = d.last_version_id
left join deletions as x
    on v.asset_uid = x.asset_uid and v.kobo_id = x.kobo_id
