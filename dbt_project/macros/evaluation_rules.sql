{#- Rules of docs/evaluation.md that are one expression each; every model uses these. -#}

{#- days_in_force: days of [period_start, period_end] on which an agreement signed on
    `signed` and ending on `ends` (inclusive) is in force; a span counts both ends. -#}
{% macro days_in_force(signed, ends, period_start, period_end) -%}
    greatest(
        0,
        least({{ ends }}, {{ period_end }}) - greatest({{ signed }}, {{ period_start }}) + 1
    )
{%- endmacro %}

{#- The end of a calendar day in Jakarta, as an instant: "on or before day D" means
    strictly before this. -#}
{% macro jakarta_day_end(day) -%}
    (({{ day }} + 1)::timestamp at time zone 'Asia/Jakarta')
{%- endmacro %}

{#- skor = 100 x (0.5 R + 0.3 C + 0.2 Q) from the exact R, C, Q, rounded to one decimal
    half away from zero (numeric round does exactly that). -#}
{% macro skor(realisasi, kepatuhan, kualitas_data) -%}
    round(100 * (0.5 * {{ realisasi }} + 0.3 * {{ kepatuhan }} + 0.2 * {{ kualitas_data }}), 1)
{%- endmacro %}

{#- kategori from the rounded score: Tidur if sleeping, else Baik >= 75, Cukup >= 50, Kurang. -#}
{% macro kategori(skor, tidur) -%}
    case
        when {{ tidur }} then 'Tidur'
        when {{ skor }} >= 75 then 'Baik'
        when {{ skor }} >= 50 then 'Cukup'
        else 'Kurang'
    end
{%- endmacro %}

{#- The evaluation period: dbt vars `year` and `as_of` (YYYY-MM-DD), both required. Their
    one default (31 January of Y+1) lives in monev's EvaluationPeriod, which passes both. -#}
{% macro eval_year() -%}
    {{ var('year') | int }}
{%- endmacro %}

{% macro eval_as_of() -%}
    {%- set as_of = var('as_of') -%}
    {%- if execute and not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', as_of | string) -%}
        {{ exceptions.raise_compiler_error("dbt var as_of must be a date YYYY-MM-DD, got '" ~ as_of ~ "'") }}
    {%- endif -%}
    '{{ as_of }}'::date
{%- endmacro %}
