"""Every quarantine reason code in words a partner reads (Bahasa Indonesia): what is wrong
and how to fix it. A receipt explains each quarantined row or file with these."""

from __future__ import annotations

REASONS: dict[str, tuple[str, str]] = {
    "unknown_file_kind": (
        "Nama berkas tidak sesuai dengan jenis berkas yang diterima.",
        "Beri nama berkas laporan Laporan_<kode mitra>_<tahun>_S<1 atau 2>.xlsx."),
    "not_a_regular_file": (
        "Yang dikirim bukan berkas biasa (tautan atau perangkat).",
        "Kirim berkas .xlsx itu sendiri, bukan tautan ke berkas."),
    "file_too_large": (
        "Berkas melebihi batas ukuran yang dapat diproses.",
        "Hapus lembar, gambar, atau isian yang tidak diperlukan, lalu kirim ulang."),
    "sheet_too_large": (
        "Sebuah lembar memuat baris atau kolom jauh melampaui batas (sering karena sel "
        "terisi jauh di bawah atau di kanan tabel).",
        "Hapus baris dan kolom kosong di luar tabel, simpan, lalu kirim ulang."),
    "parser_crashed": (
        "Berkas tidak dapat dibaca sampai selesai.",
        "Buka dan simpan ulang berkas dengan Excel atau LibreOffice sebagai .xlsx, lalu "
        "kirim ulang."),
    "parser_timeout": (
        "Pembacaan berkas melampaui batas waktu.",
        "Simpan ulang berkas tanpa isian di luar tabel, lalu kirim ulang."),
    "ambiguous_sheets": (
        "Ada dua lembar dengan nama yang sama (berbeda hanya spasi atau huruf besar/kecil).",
        "Hapus atau ganti nama salah satu lembar, lalu kirim ulang."),
    "not_a_workbook": (
        "Berkas bukan buku kerja Excel (.xlsx) yang utuh.",
        "Simpan berkas sebagai Excel Workbook (.xlsx) dan kirim ulang berkas yang utuh."),
    "missing_sheet": (
        "Lembar yang wajib ada tidak ditemukan.",
        "Gunakan templat laporan: lembar Identitas, Rencana Aksi, dan Realisasi harus ada."),
    "unreadable_sheet": (
        "Lembar ada tetapi tidak dapat dibaca.",
        "Salin isian ke templat laporan yang baru, lalu kirim ulang."),
    "missing_headers": (
        "Judul kolom yang wajib tidak ditemukan pada lembar ini.",
        "Jangan mengubah atau menghapus baris judul kolom templat."),
    "identitas_unreadable": (
        "Lembar Identitas tidak memuat Nomor Perjanjian, Tahun, atau Semester yang sah.",
        "Isi Nomor Perjanjian, Tahun (misalnya 2025), dan Semester (I atau II) pada lembar "
        "Identitas."),
    "unparseable_semester": (
        "Semester tidak dikenali.",
        "Tulis semester sebagai I atau II (atau 1 atau 2)."),
    "not_utf8": (
        "Berkas CSV tidak tersimpan dalam pengodean UTF-8.",
        "Simpan ulang sebagai CSV UTF-8."),
    "unreadable_csv": (
        "Berkas CSV tidak dapat dibaca sebagai tabel.",
        "Simpan ulang sebagai CSV dengan pemisah koma."),
    "missing_value": (
        "Isian wajib kosong.",
        "Isi kolom ini; pada Realisasi, No Rencana Aksi, Tanggal Kegiatan, dan Capaian "
        "wajib diisi."),
    "nul_character": (
        "Isian memuat karakter NUL (kode 0) yang tidak dapat disimpan; isian itu "
        "dikosongkan.",
        "Ketik ulang isian ini tanpa menyalinnya dari aplikasi lain, lalu kirim ulang."),
    "unparseable_number": (
        "Angka tidak dapat dibaca sebagai angka Indonesia.",
        "Tulis angka dengan koma sebagai tanda desimal dan titik sebagai pemisah ribuan, "
        "misalnya 1.250 atau 1,5 (bukan 1.5)."),
    "unparseable_date": (
        "Tanggal tidak dikenali atau tidak ada di kalender.",
        "Tulis tanggal seperti 17 Agustus 2025 atau 17/08/2025, atau gunakan format tanggal "
        "Excel."),
    "not_an_integer": (
        "Nilai ini harus bilangan bulat.",
        "Tulis nomor butir atau tahun tanpa desimal, misalnya 3."),
    "negative_number": (
        "Angka tidak boleh kurang dari nol.",
        "Tulis angka 0 atau lebih."),
    "invalid_jenis": (
        "Jenis perjanjian bukan MoU atau PKS.",
        "Tulis MoU atau PKS."),
    "unknown_kategori": (
        "Kategori mitra tidak termasuk daftar kategori.",
        "Pilih kategori mitra dari daftar yang ditetapkan Direktorat."),
    "duplicate_item_no": (
        "Nomor butir rencana aksi dipakai lebih dari sekali pada lembar Rencana Aksi.",
        "Beri setiap butir rencana aksi nomor yang berbeda."),
}
UNKNOWN_REASON = ("Baris atau berkas ini tidak dapat diterima.",
                  "Hubungi Direktorat Kerja Sama untuk penjelasan.")


def explain(code: str) -> tuple[str, str]:
    """(what is wrong, how to fix it) for a quarantine reason code."""
    return REASONS.get(code, UNKNOWN_REASON)
