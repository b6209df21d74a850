"""Prometheus metrics of the engine, registered on the registry the composition root gives."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class EngineMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.run_seconds = Histogram(
            "watchkeeper_engine_run_seconds",
            "Duration of one engine module run, transaction included.",
            ["module"],
            registry=registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.rows = Counter(
            "watchkeeper_engine_rows_total",
            "Rows handled by engine module runs.",
            ["module"],
            registry=registry,
        )
        self.failures = Counter(
            "watchkeeper_engine_failures_total",
            "Engine module runs that raised and were rolled back.",
            ["module"],
            registry=registry,
        )
        self.last_success = Gauge(
            "watchkeeper_engine_last_success_timestamp_seconds",
            "Unix time of the last successful run of each module.",
            ["module"],
            registry=registry,
        )
        self.heartbeat = Gauge(
            "watchkeeper_engine_heartbeat_timestamp_seconds",
            "Unix time of this process's last engine heartbeat.",
            registry=registry,
        )
