"""Everything of monev that knows Airflow or Cosmos, and nothing else.

- ``assets``: the Assets (tables, drop folder, form API) tasks read and write;
- ``connections``: Airflow connections turned into libpq URLs and the form API client;
- ``tasks``: the task wrappers DAG files call (Airflow context in, plain monev calls out);
- ``cosmos_config``: how Cosmos renders and runs the dbt project;
- ``airflow_env``: Airflow's configuration for one ``MONEV_HOME``;
- ``local``: the DAGs run in this process with ``dag.test()`` (``monev run``, tests);
- ``services``: Airflow's real services (``make airflow``); ``demo``: ``make demo``.

Below this package (``sources``, ``load``, ``evaluation``, ``quality``, ...) nothing imports
Airflow or Cosmos.
"""
