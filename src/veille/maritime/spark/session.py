"""The Spark session of a run: what is missing is said in one line before Spark starts.

* PySpark not installed, or no Java runtime: :class:`SparkUnavailable` (the command exits 2 with
  what to install);
* a standalone master (``spark://HOST:PORT``) that does not answer: :class:`MasterUnreachable`
  naming it (exit 3), instead of Spark's minute of retries and a Java stack trace.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_MASTER",
    "MasterUnreachable",
    "SparkUnavailable",
    "check_master",
    "check_spark",
    "master_of",
    "spark_session",
]

DEFAULT_MASTER = "local[*]"
JAVA_HINT = "install a Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless)"
PYSPARK_HINT = "install PySpark: pip install 'veille[spark]'"


class SparkUnavailable(RuntimeError):
    """PySpark or Java is missing; the message says what to install."""


class MasterUnreachable(RuntimeError):
    """The Spark master given does not answer; the message names it."""


def master_of(asked: str | None) -> str:
    """The master of a run: ``--master``, else ``$VEILLE_SPARK_MASTER``, else ``local[*]``.

    >>> master_of("local[2]")
    'local[2]'
    """
    from veille.core.env import Env

    return asked or Env().str("VEILLE_SPARK_MASTER") or DEFAULT_MASTER


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def check_spark() -> None:
    """Raise :class:`SparkUnavailable` when PySpark or Java is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailable(f"Apache Spark is not installed: {PYSPARK_HINT}") from exc
    if _java() is None:
        raise SparkUnavailable(f"Java is missing (Apache Spark runs on it): {JAVA_HINT}")


def check_master(master: str, timeout_s: float = 5.0) -> None:
    """A standalone master (``spark://HOST:PORT[,HOST:PORT]``) must accept a connection.

    Local masters need nothing; YARN, Kubernetes and others are left to Spark.

    >>> check_master("local[2]")
    >>> check_master("spark://127.0.0.1:1", timeout_s=1)
    Traceback (most recent call last):
    ...
    veille.maritime.spark.session.MasterUnreachable: Spark master spark://127.0.0.1:1: ...
    """
    if not master.startswith("spark://"):
        return
    reasons = []
    for hostport in master.removeprefix("spark://").split(","):
        host, _, port = hostport.rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
                return
        except (OSError, ValueError) as exc:
            reasons.append(f"{hostport}: {getattr(exc, 'strerror', None) or exc}")
    raise MasterUnreachable(f"Spark master {master}: cannot connect ({'; '.join(reasons)})")


def spark_session(master: str | None = None, app: str = "veille", conf: dict[str, str] | None = None) -> Any:
    """A Spark session on ``master`` (see :func:`master_of`), for veille's jobs.

    The executors run this Python (``PYSPARK_PYTHON``, unless set) so that they import the same
    veille; time zone UTC; Arrow on; the web UI off; few shuffle partitions (adaptive execution
    merges small ones).
    """
    check_spark()
    master = master_of(master)
    check_master(master)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no warning about the host's name
    # PySpark warns on every import that it does not know pandas 3 yet (veille hands it Arrow)
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
    os.environ.setdefault("PYTHONWARNINGS", "ignore::FutureWarning")  # the same in the Python workers
    # py4j says at exit that it closes its connections, on a stream already closed
    logging.getLogger("py4j").setLevel(logging.WARNING)
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_log_config()}")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{1}: %m%n
"""


def _log_config() -> str:
    """A log4j2 configuration that lets only Spark's errors through (one line each)."""
    path = Path(tempfile.gettempdir()) / "veille-spark-log4j2.properties"
    if not path.is_file() or path.read_text(encoding="utf-8") != _LOG4J2:
        path.write_text(_LOG4J2, encoding="utf-8")
    return str(path)
