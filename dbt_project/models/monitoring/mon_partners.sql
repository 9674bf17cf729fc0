-- Partners as of the monitoring date D (the evaluation's rule, on D).
{{ partners_on('p.as_of') }}
