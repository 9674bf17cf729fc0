"""The four evaluation marts: their columns (the spec's, in order) and export sort keys."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mart:
    name: str
    columns: tuple[str, ...]
    sort_by: tuple[str, ...]


MARTS = (
    Mart("agreement_scorecard", (
        "tahun", "as_of", "nomor_perjanjian", "jenis", "kode_mitra", "nama_mitra",
        "days_in_force", "activities", "realisasi", "kepatuhan", "kualitas_data", "skor",
        "kategori", "tidur", "tanpa_rencana_aksi", "last_activity_date", "anggaran_komitmen",
        "anggaran_realisasi", "kendala"), ("nomor_perjanjian",)),
    Mart("partner_scorecard", (
        "tahun", "as_of", "kode_mitra", "nama_mitra", "kategori_mitra", "agreements_evaluated",
        "agreements_tidur", "mean_skor", "anggaran_komitmen", "anggaran_realisasi"),
        ("kode_mitra",)),
    Mart("bidang_progress", (
        "tahun", "as_of", "bidang", "satuan", "target", "capaian", "persen"),
        ("bidang", "satuan")),
    Mart("sleeping_agreements", (
        "tahun", "as_of", "nomor_perjanjian", "jenis", "kode_mitra", "nama_mitra",
        "days_in_force", "tanggal_berakhir", "nama_pelapor", "jabatan", "email"),
        ("nomor_perjanjian",)),
)
BY_NAME = {m.name: m for m in MARTS}
