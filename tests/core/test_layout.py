"""The tree reads as the architecture: one room per feature, small modules, every folder mapped."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "organizations", "influencers", "messaging", "programs", "tracking")
APPS += ("payments", "portal", "demo", "config", "influencer_ops", "integrations")
LAYER_NAMES = ("views", "api", "forms", "serializers", "urls", "tasks", "services", "selectors")
MAX_LINES = 400


def _tracked_python() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in out if name.split("/")[0] in APPS]


def _app_modules() -> list[Path]:
    return [path for path in _tracked_python() if "migrations" not in path.parts]


def test_no_module_outside_migrations_and_tests_passes_400_lines():
    long = {
        str(path.relative_to(ROOT)): count
        for path in _app_modules()
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these by responsibility: {long}"


def test_no_layer_file_is_suffix_named():
    """A feature's views live in <feature>/views.py, never views_<feature>.py beside others."""
    pattern = re.compile(rf"^({'|'.join(LAYER_NAMES)}|models)_\w+\.py$")
    suffixed = [str(p.relative_to(ROOT)) for p in _app_modules() if pattern.match(p.name)]
    assert not suffixed


def _feature_packages() -> set[str]:
    packages = set()
    for path in _app_modules():
        parts = path.relative_to(ROOT).parts
        if len(parts) == 3 and path.name == "__init__.py" and parts[1] not in ("management",):
            packages.add(f"{parts[0]}/{parts[1]}/")
    return packages


def test_the_architecture_doc_maps_every_app_and_feature_folder():
    doc = (ROOT / "docs" / "architecture.md").read_text()
    missing = [f"{app}/" for app in APPS if f"{app}/" not in doc]
    missing += [
        package
        for package in sorted(_feature_packages())
        if package not in doc and package.split("/")[1] + "/" not in doc
    ]
    assert not missing, f"docs/architecture.md does not say what these hold: {missing}"


def test_the_readme_links_only_inside_the_repository():
    readme = (ROOT / "README.md").read_text()
    assert "../shared" not in readme
    for target in re.findall(r"\]\(([^)#]+)", readme):
        if not target.startswith(("http://", "https://", "mailto:")):
            assert (ROOT / target).exists(), target
