"""The virus scanner as deployed: docker-compose.yml runs ClamAV's image beside the API,
and deploy/kubernetes/clamav (included by an overlay, README) is valid for the Kubernetes
API and as locked down as the base: no root, read-only root filesystem, no privilege
escalation, no capabilities, memory limits, probes; reachable by the API's pods only."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings

from cases import antivirus

ROOT = Path(__file__).resolve().parents[2]
CLAMAV = ROOT / "deploy" / "kubernetes" / "clamav"
KUBERNETES_VERSION = "1.30.0"  # as tests/deploy/test_kubernetes.py


def manifests() -> list[dict]:
    resources = yaml.safe_load((CLAMAV / "kustomization.yaml").read_text())["resources"]
    return [yaml.safe_load((CLAMAV / name).read_text()) for name in resources]


def of_kind(kind: str) -> dict:
    (found,) = [m for m in manifests() if m["kind"] == kind]
    return found


def test_the_kustomization_lists_every_manifest():
    resources = yaml.safe_load((CLAMAV / "kustomization.yaml").read_text())["resources"]
    files = {p.name for p in CLAMAV.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(resources) == sorted(files)


@pytest.mark.parametrize("manifest", manifests(), ids=lambda m: m["kind"])
def test_each_manifest_is_valid_for_the_kubernetes_api(manifest):
    kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_clamd_runs_locked_down():
    spec = of_kind("Deployment")["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert spec["automountServiceAccountToken"] is False
    for container in spec["initContainers"] + spec["containers"]:
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False
        assert context["readOnlyRootFilesystem"] is True
        assert context["capabilities"] == {"drop": ["ALL"]}
        assert container["resources"]["limits"]["memory"]
        assert container["image"] == "clamav"  # the pinned tag is in kustomization.yaml
    (clamd,) = [c for c in spec["containers"] if c["name"] == "clamd"]
    assert {"startupProbe", "readinessProbe", "livenessProbe"} <= set(clamd)


def test_the_api_finds_clamd_and_nobody_else_does():
    base_config = yaml.safe_load((ROOT / "deploy" / "kubernetes" / "configmap.yaml").read_text())
    service = of_kind("Service")
    _family, (host, port) = antivirus.parse_address(base_config["data"]["CLAMD_ADDRESS"])
    assert (host, port) == (service["metadata"]["name"], service["spec"]["ports"][0]["port"])
    ingress = of_kind("NetworkPolicy")["spec"]["ingress"]
    assert ingress == [
        {
            "from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "casehandling"}}}],
            "ports": [{"port": 3310, "protocol": "TCP"}],
        }
    ]


def test_clamd_takes_an_attachment_of_the_largest_size():
    """StreamMaxLength below ATTACHMENT_MAX_BYTES would leave large files in quarantine."""
    clamd_conf = of_kind("ConfigMap")["data"]["clamd.conf"]
    (limit,) = [line.split()[1] for line in clamd_conf.splitlines() if "StreamMaxLength" in line]
    assert limit.endswith("M")
    assert int(limit[:-1]) * 1024 * 1024 >= settings.ATTACHMENT_MAX_BYTES


def test_compose_runs_clamav_beside_the_api():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["clamav"]["image"].startswith("clamav/clamav:1.")
    assert "CLAMD_ADDRESS" in compose["x-app-env"]
    assert "tcp://clamav:3310" in compose["x-app-env"]["CLAMD_ADDRESS"]
