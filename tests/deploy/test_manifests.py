"""What an operator runs elsewhere is valid: Kubernetes schemas, Case Graph's settings, HAProxy.

The manifests are checked against the Kubernetes API schemas that PyPI's
``kubernetes-validate`` bundles (strict: an unknown field is an error), and against Case
Graph itself: every setting in the ConfigMap is one ``Settings`` knows, the probes hit the
real endpoints, and the grace period outlasts the drain.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from api.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KUBERNETES_VERSION = "1.31.0"


def documents() -> list[tuple[str, dict[str, Any]]]:
    """Every resource in deploy/kubernetes, with the file it came from."""
    found = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                found.append((path.name, document))
    return found


def resource(kind: str, name: str) -> dict[str, Any]:
    matches = [d for _, d in documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}"
    return matches[0]


def resource_id(found: tuple[str, dict[str, Any]]) -> str:
    file_name, document = found
    return f"{file_name}:{document['kind']}/{document['metadata']['name']}"


@pytest.mark.parametrize("found", documents(), ids=resource_id)
def test_every_manifest_is_valid_for_kubernetes(found: tuple[str, dict[str, Any]]) -> None:
    kubernetes_validate.validate(found[1], KUBERNETES_VERSION, strict=True)


def test_the_schema_check_refuses_a_misspelt_field() -> None:
    broken = resource("Deployment", "casegraph")
    broken = {**broken, "spec": {**broken["spec"], "replica": 3}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_kinds_the_operator_needs_are_all_there() -> None:
    kinds = {(d["kind"], d["metadata"]["name"]) for _, d in documents()}
    for needed in [
        ("Deployment", "casegraph"),
        ("Service", "casegraph"),
        ("ConfigMap", "casegraph-settings"),
        ("PodDisruptionBudget", "casegraph"),
        ("HorizontalPodAutoscaler", "casegraph"),
        ("Deployment", "casegraph-gateway"),
        ("Service", "casegraph-gateway"),
    ]:
        assert needed in kinds


def test_the_settings_are_ones_case_graph_reads() -> None:
    data = resource("ConfigMap", "casegraph-settings")["data"]
    settings = Settings.from_env(data)  # an unknown or malformed CASEGRAPH_ variable raises
    assert settings.port == 8000


def test_probes_resources_and_grace_fit_the_process() -> None:
    deployment = resource("Deployment", "casegraph")
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    settings = Settings.from_env(resource("ConfigMap", "casegraph-settings")["data"])
    readiness = container["readinessProbe"]
    assert readiness["periodSeconds"] * readiness["failureThreshold"] < settings.drain_seconds
    grace = pod["terminationGracePeriodSeconds"]
    assert grace > settings.drain_seconds + settings.shutdown_seconds


def test_budget_and_autoscaler_point_at_the_deployment() -> None:
    labels = resource("Deployment", "casegraph")["spec"]["template"]["metadata"]["labels"]
    budget = resource("PodDisruptionBudget", "casegraph")["spec"]
    assert budget["selector"]["matchLabels"].items() <= labels.items()
    autoscaler = resource("HorizontalPodAutoscaler", "casegraph")["spec"]
    assert autoscaler["scaleTargetRef"] == {
        "apiVersion": "apps/v1", "kind": "Deployment", "name": "casegraph"
    }  # fmt: skip
    assert autoscaler["metrics"][0]["resource"]["name"] == "cpu"
    assert autoscaler["minReplicas"] >= 2
    service = resource("Service", "casegraph")["spec"]
    assert service["selector"].items() <= labels.items()


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed")
def test_the_haproxy_configuration_is_valid(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HAPROXY_BIND": "127.0.0.1:8000",
        "HAPROXY_STATS_BIND": "127.0.0.1:8404",
        "HAPROXY_ADMIN_SOCKET": str(tmp_path / "admin.sock"),
        **{f"HAPROXY_SERVER_{i}": f"127.0.0.1:{8000 + i}" for i in (1, 2, 3)},
    }
    done = subprocess.run(
        ["haproxy", "-c", "-f", str(DEPLOY / "haproxy" / "haproxy.cfg")],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
