"""The Spark session of the tests marked ``spark``: Apache Spark for real, in local mode on two
cores, started once for the run (PySpark and the machine's Java; ``make test`` installs Java)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from veille.maritime.spark.session import spark_session

    session = spark_session("local[2]", app="veille tests")
    yield session
    session.stop()
