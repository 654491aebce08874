"""veille on Apache Spark: ``veille ais ingest --engine spark`` and ``veille ais events --engine spark``.

The embedded engine (this process, Polars and DuckDB) stays the default; these modules are the path
for data that does not fit one machine (docs/scale.md). Only they import PySpark, and only when a
Spark run starts, so the embedded path never loads it.

============================  ==================================================================
:mod:`.session`               the Spark session: PySpark and Java present, the master reachable
:mod:`.ingest_tasks`          what the executors run for an ingest (one input file per task)
:mod:`.ingest_job`            the ingest: files listed, decoded by the executors, the registry
                              grouped by vessel, the parts moved into the store
:mod:`.events_tasks`          what the executors run for events (buckets of whole vessels;
                              encounter pairs per space-time cell)
:mod:`.events_job`            the events run, stored as the embedded engine stores its runs
============================  ==================================================================
"""
