"""The Nu HTML Checker (npm vnu-jar, run with Java) reports no error on any page."""

import os
import shutil
import subprocess

import pytest
from conftest import ROOT

VNU = os.path.join(ROOT, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")


def test_every_page_is_valid_html(site_dir):
    java = shutil.which("java")
    if not java:
        pytest.fail("java not found: install a Java runtime (apt-get install default-jre-headless); .ci/run does this")
    assert os.path.isfile(VNU), "vnu.jar missing: run `npm ci --ignore-scripts` (make setup does)"
    result = subprocess.run(
        [java, "-jar", VNU, "--errors-only", "--skip-non-html", "--format", "gnu", site_dir],
        capture_output=True,
        text=True,
    )
    assert result.stdout + result.stderr == ""
    assert result.returncode == 0
    pages = sum(name.endswith(".html") for _, _, names in os.walk(site_dir) for name in names)
    assert pages >= 15
