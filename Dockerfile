# The monev project image: Airflow services, the monev package, DAGs and the dbt project.
FROM python:3.11-slim-bookworm

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

RUN useradd --create-home --uid 50000 airflow
WORKDIR /opt/monev-project
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY pyproject.toml README.md ./
COPY include ./include
COPY dags ./dags
COPY dbt_project ./dbt_project
RUN pip install --no-cache-dir --no-deps -e . \
 && cd dbt_project && dbt parse --quiet --target-path target \
 && mkdir -p /opt/airflow /opt/monev && chown -R airflow /opt/airflow /opt/monev
USER airflow
