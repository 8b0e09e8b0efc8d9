"""End-to-end: a department officer corrects an analysis in the inbox → `labels export` has it → `train --extra` uses it.

Real browser (Chromium + Playwright), real app over HTTP, the real CLI in a
subprocess against the same database, and the real training command on the
tiny fixture set plus the exported line.
"""

import json
import os
import subprocess
import sys

import pytest

from .conftest import REPO, login, shot

pytestmark = pytest.mark.e2e


def _cli_env(container):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEALTHPULSE_")}
    env.update(HEALTHPULSE_DATABASE_URL=container.settings.database.url,
               HEALTHPULSE_DATA_DIR=str(container.settings.data_dir))
    return env


def test_officer_corrects_in_inbox_then_export_and_train_use_it(page, live, tmp_path):
    base, container = live["base"], live["container"]
    login(page, base, "surgut-officer")
    page.locator("tr.ticket-row a").nth(1).click()
    page.locator("#ticket-title").wait_for()
    ticket_url = page.url
    page.click("details.correct >> nth=0 >> summary")
    form = page.locator("#correct-0")
    doc_id = form.locator("input[name='c0-document_id']").input_value()
    form.locator("select[name='c0-incident']").select_option("yes")
    form.locator("select[name='c0-severity']").select_option("critical")
    for box in form.locator("input[name='c0-topics']").all():
        box.uncheck()
    form.locator("input[name='c0-topics'][value='medical_error']").check()
    form.locator("input[name='c0-topics'][value='emergency_care']").check()
    form.locator("textarea[name='c0-note']").fill("A death, confirmed by the hospital: critical.")
    shot(page, "department-correct-form")
    form.locator("button[type=submit]").click()
    assert page.locator(".flash-ok").first.inner_text().strip() == "Correction saved."
    corrections = page.locator("#corrections-0").inner_text()
    # values are shown as the UI's labels (translated), not as raw ids
    assert "surgut-officer" in corrections and "Critical" in corrections and "Medical error" in corrections
    history = page.locator("#ticket-history").inner_text()
    assert "corrected the analysis" in history and '"critical"' in history
    # the form now shows the corrected values
    page.click("details.correct >> nth=0 >> summary")
    assert page.locator("select[name='c0-severity']").input_value() == "critical"
    assert page.locator("input[name='c0-topics'][value='medical_error']").is_checked()
    shot(page, "department-corrected")
    # the same page in Arabic: translated, right to left
    page.goto(ticket_url + "?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.locator("details.correct >> nth=0 >> summary").inner_text().strip() == "تصحيح التحليل"
    shot(page, "department-corrected-ar")

    exported = tmp_path / "labels.jsonl"
    r = subprocess.run([sys.executable, "-m", "healthpulse.cli", "labels", "export", str(exported)],
                       env=_cli_env(container), capture_output=True, text=True, timeout=300, cwd=REPO)
    assert r.returncode == 0, r.stderr
    lines = {x["id"]: x for x in map(json.loads, exported.read_text(encoding="utf-8").splitlines())}
    line = lines[doc_id]
    assert (line["incident"], line["severity"], line["health_related"]) == (True, "critical", True)
    assert sorted(line["topics"]) == ["emergency_care", "medical_error"]
    assert line["source"] == "staff_correction" and line["corrected_by"] == "surgut-officer"
    assert "severity" in line["corrected_fields"] and "topics" in line["corrected_fields"]

    out = tmp_path / "heads"
    r = subprocess.run([sys.executable, "-m", "healthpulse.cli", "train", "--extra", str(exported),
                        "--data-dir", str(REPO / "tests" / "fixtures" / "nlp_tiny"), "--features", "ngram+cues",
                        "--out", str(out)], env=_cli_env(container), capture_output=True, text=True, timeout=600,
                       cwd=REPO)
    assert r.returncode == 0, r.stderr[-2000:]
    training = json.loads((out / "heads.json").read_text(encoding="utf-8"))["training"]
    assert training["extra_items"] == len(lines) >= 1
    assert [os.path.basename(f) for f in training["extra_files"]] == ["labels.jsonl"]
