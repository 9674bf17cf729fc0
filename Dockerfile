# The monev project image: Airflow services, the monev package, DAGs and the dbt project.
# Built on the official Airflow image (itself installed from Airflow's constraints; it has
# curl, the airflow user and the entrypoint), with monev's pinned requirements on top:
# the same Airflow version, and `pip check` must stay clean.
FROM apache/airflow:slim-3.3.2-python3.11

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIRFLOW_HOME=/opt/airflow \
    MONEV_HOME=/opt/monev \
    DBT_PROFILES_DIR=/opt/monev-project/dbt_project \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/monev-project/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    AIRFLOW__CORE__EXECUTOR=LocalExecutor \
    AIRFLOW__CORE__PARALLELISM=4 \
    AIRFLOW__USAGE_DATA_COLLECTION__ENABLED=False \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    DBT_SEND_ANONYMOUS_USAGE_STATS=False \
    SCARF_ANALYTICS=false \
    DO_NOT_TRACK=true

USER root
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /opt/monev-project /opt/monev && chown -R airflow /opt/monev-project /opt/monev
USER airflow
WORKDIR /opt/monev-project
COPY --chown=airflow requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt && pip check
COPY --chown=airflow pyproject.toml README.md ./
COPY --chown=airflow include ./include
COPY --chown=airflow dags ./dags
COPY --chown=airflow dbt_project ./dbt_project
# Apache Superset (`monev bi`) in a virtualenv of its own: its pins conflict with Airflow's
COPY --chown=airflow bi ./bi
ENV MONEV_SUPERSET_VENV=/opt/monev-project/.venv-bi
RUN python -m venv .venv-bi && .venv-bi/bin/pip install --no-cache-dir -r bi/requirements.txt \
 && .venv-bi/bin/pip check
RUN pip install --no-cache-dir --no-deps -e . \
 && cd dbt_project && dbt parse --quiet --target-path target
