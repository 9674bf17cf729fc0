-- Partners as of 31 December Y (from the latest partner-master copy before the cut-off):
-- the row valid on that day, else the latest row that started before it, else the earliest.
{{ partners_on('p.year_end') }}
