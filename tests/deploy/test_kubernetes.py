"""The Kubernetes description (deploy/kubernetes) is valid and safe to run.

Every manifest is validated against the Kubernetes API schemas by kubernetes-validate
(from PyPI, schemas bundled: no cluster, no network), in strict mode so a misspelt field
fails. Then the rules a municipality's security officer checks: no root, a read-only
root filesystem, no privilege escalation, no capabilities, limits and probes, secrets only
by reference; and the rules of this service: one beat, probes on paths that exist, only
settings the service reads.
"""

import re
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"  # the oldest release still supported by its vendors in 2026
SECRET = "casehandling"


def kustomization() -> dict:
    return yaml.safe_load((BASE / "kustomization.yaml").read_text())


def manifests() -> list[dict]:
    return [yaml.safe_load((BASE / name).read_text()) for name in kustomization()["resources"]]


def workloads() -> list[dict]:
    return [m for m in manifests() if m["kind"] in {"Deployment", "Job"}]


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def containers() -> list[tuple[str, dict]]:
    return [(w["metadata"]["name"], c) for w in workloads() for c in pod_spec(w)["containers"]]


def test_the_kustomization_lists_every_manifest_and_nothing_else():
    files = {p.name for p in BASE.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization()["resources"]) == sorted(files)


@pytest.mark.parametrize("name", kustomization()["resources"])
def test_each_manifest_is_valid_for_the_kubernetes_api(name):
    manifest = yaml.safe_load((BASE / name).read_text())
    kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_a_misspelt_field_would_fail_the_validation():
    broken = yaml.safe_load((BASE / "web-deployment.yaml").read_text())
    broken["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_shape_is_web_worker_beat_and_a_migrate_job():
    found = {(m["kind"], m["metadata"]["name"]) for m in manifests()}
    assert {
        ("Deployment", "casehandling-web"),
        ("Deployment", "casehandling-worker"),
        ("Deployment", "casehandling-beat"),
        ("Job", "casehandling-migrate"),
        ("Service", "casehandling-web"),
    } <= found
    commands = {w["metadata"]["name"]: pod_spec(w)["containers"][0]["command"] for w in workloads()}
    assert commands["casehandling-migrate"][-2:] == ["migrate", "--noinput"]
    assert commands["casehandling-web"][0] == "gunicorn"
    assert commands["casehandling-worker"][:4] == ["celery", "-A", "backend", "worker"]
    assert commands["casehandling-beat"][:4] == ["celery", "-A", "backend", "beat"]


def test_there_is_only_ever_one_beat():
    beat = next(w for w in workloads() if w["metadata"]["name"] == "casehandling-beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"


@pytest.mark.parametrize("workload", workloads(), ids=lambda w: w["metadata"]["name"])
def test_no_pod_runs_as_root_or_holds_an_api_token(workload):
    spec = pod_spec(workload)
    context = spec["securityContext"]
    assert context["runAsNonRoot"] is True
    assert context["runAsUser"] != 0
    assert context["runAsGroup"] != 0
    assert context["seccompProfile"]["type"] == "RuntimeDefault"
    assert spec["automountServiceAccountToken"] is False
    assert "hostNetwork" not in spec
    assert "hostPID" not in spec


@pytest.mark.parametrize(
    ("name", "container"), containers(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_no_container_escalates_writes_its_image_or_runs_unbounded(name, container):
    context = container["securityContext"]
    assert context["allowPrivilegeEscalation"] is False
    assert context["readOnlyRootFilesystem"] is True
    assert context["capabilities"]["drop"] == ["ALL"]
    assert "add" not in context["capabilities"]
    assert container["resources"]["requests"]["memory"]
    assert container["resources"]["limits"]["memory"]
    # The image name kustomize replaces (images: in kustomization.yaml): never a tag here.
    assert container["image"] == "case-api"
    # Writable places are volumes: /tmp and the service's var/ (beat's schedule file).
    mounts = {mount["mountPath"] for mount in container["volumeMounts"]}
    assert {"/tmp", "/app/var"} <= mounts  # noqa: S108 - paths inside the container


def test_the_image_is_set_to_a_version_never_latest():
    (image,) = kustomization()["images"]
    assert image["name"] == "case-api"
    assert image["newTag"] not in {"", "latest"}


@pytest.mark.parametrize(
    ("name", "container"), containers(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_secrets_come_by_reference_only(name, container):
    sources = container["envFrom"]
    assert {"secretRef": {"name": SECRET}} in sources
    for variable in container.get("env", []):
        assert not re.search(r"SECRET|PASSWORD|TOKEN|DATABASE_URL|BROKER", variable["name"])
    assert all(m["kind"] != "Secret" for m in manifests())


def test_the_config_map_sets_only_what_the_service_reads():
    (config,) = [m for m in manifests() if m["kind"] == "ConfigMap"]
    read = (ROOT / "backend" / "settings.py").read_text()
    # Read by gunicorn itself or by the libraries under WeasyPrint, not by settings.py.
    outside = {"FORWARDED_ALLOW_IPS", "XDG_CACHE_HOME"}
    for name in config["data"]:
        assert name in outside or f'"{name}"' in read, name
    assert config["data"]["DJANGO_DEBUG"] == "false"


def test_the_probes_call_paths_the_service_has():
    web = next(w for w in workloads() if w["metadata"]["name"] == "casehandling-web")
    container = pod_spec(web)["containers"][0]
    assert resolve(container["livenessProbe"]["httpGet"]["path"]).url_name == "health"
    assert resolve(container["readinessProbe"]["httpGet"]["path"]).url_name == "health-ready"
    for name in ("casehandling-worker", "casehandling-beat"):
        workload = next(w for w in workloads() if w["metadata"]["name"] == name)
        assert pod_spec(workload)["containers"][0]["livenessProbe"]["exec"]["command"]


def test_the_beat_probe_watches_the_schedule_file_beat_writes():
    beat = next(w for w in workloads() if w["metadata"]["name"] == "casehandling-beat")
    probe = " ".join(pod_spec(beat)["containers"][0]["livenessProbe"]["exec"]["command"])
    schedule = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME)
    assert f"/app/var/{schedule.name}*" in probe
    assert schedule.parent.name == "var"


def test_the_image_runs_as_a_user_without_root():
    users = re.findall(r"^USER\s+(\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert users
    assert users[-1].split(":")[0] not in {"0", "root"}


def test_gunicorn_reads_its_settings_from_the_repository():
    shown = subprocess.run(  # noqa: S603 - our own gunicorn, fixed arguments
        [Path(sys.executable).parent / "gunicorn", "--print-config", "backend.wsgi:application"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "WEB_CONCURRENCY": "3", "DJANGO_SECRET_KEY": "x"},
        check=True,
    ).stdout
    values = dict(
        re.match(r"^(\w+)\s+= (.*)$", line).groups()
        for line in shown.splitlines()
        if re.match(r"^\w+\s+= ", line)
    )
    assert values["workers"] == "3"
    assert values["timeout"] == "30"
    assert values["graceful_timeout"] == "30"
    assert values["accesslog"] == "None"
    assert values["control_socket_disable"] == "True"
    assert values["max_requests"] == "2000"
