"""Without Redis, kombu's filesystem broker keeps every folder under .data/, never in the cwd."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_filesystem_broker_keeps_every_folder_under_the_broker_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(REDIS_URL="", CELERY_BROKER_FOLDER=str(tmp_path))
    script = (
        "import json; from config.settings import base; "
        "print(json.dumps([base.CELERY_BROKER_URL, base.CELERY_BROKER_TRANSPORT_OPTIONS]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    url, options = json.loads(result.stdout)
    assert url == "filesystem://"
    folders = {
        key: value for key, value in options.items() if key.endswith("folder") or "_folder_" in key
    }
    # control_folder defaults to "control" in the cwd: it must be set, like the others.
    assert set(folders) == {
        "data_folder_in",
        "data_folder_out",
        "processed_folder",
        "control_folder",
    }
    assert all(Path(folder).parent == tmp_path for folder in folders.values())
