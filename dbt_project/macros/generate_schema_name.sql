{#- Models land in the schema their folder names (staging, intermediate, marts, ...),
    not in "<target schema>_<folder>": the grants matrix is written per schema.
    A monitoring build (var `build: monitoring`) runs the evaluation's models for its date
    into monitoring_staging, beside its own: an evaluation being built, gated and
    published in evaluation_staging is never touched by it. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set schema = custom_schema_name | trim if custom_schema_name is not none
                     else target.schema -%}
    {%- if schema == 'evaluation_staging' and var('build', 'evaluation') == 'monitoring' -%}
        monitoring_staging
    {%- else -%}
        {{ schema }}
    {%- endif -%}
{%- endmacro %}
