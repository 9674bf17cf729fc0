-- Commitments (rencana aksi) of each agreement for Y (which items: macro
-- action_plan_items).
{{ action_plan_items('p.tahun') }}
