-- Calendar days 2015-2040 with the year and semester they fall in (semester I: Jan-Jun).
select
    d::date as date_day,
    extract(year from d)::integer as tahun,
    case when extract(month from d) <= 6 then 1 else 2 end::smallint as semester,
    extract(month from d)::smallint as bulan
from generate_series('2015-01-01'::date, '2040-12-31'::date, interval '1 day') as g (d)
