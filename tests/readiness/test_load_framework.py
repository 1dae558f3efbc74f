from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from readiness.framework_file import FrameworkFileError, load_framework_file
from readiness.models import Framework, Requirement
from tests.builders import framework_yaml

SHIPPED = Path(__file__).resolve().parents[2] / "readiness" / "frameworks" / "support-readiness-v1.yaml"


def forty_requirements(weight_of_40th=3):
    requirements = []
    for n in range(1, 46):
        weight = weight_of_40th if n == 40 else 1 + n % 5
        requirements.append((f"PRC-{n:02d}", "process", "escalation", weight, n % 9 == 0))
    return requirements


def write(tmp_path, text, name="framework.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def assert_nothing_written():
    assert Framework.objects.count() == 0
    assert Requirement.objects.count() == 0


def test_shipped_framework_loads_and_is_substantial(db):
    framework = load_framework_file(SHIPPED).framework
    requirements = framework.requirements.all()
    assert requirements.count() >= 60
    assert set(requirements.values_list("pillar", flat=True)) == {"people", "process", "technology"}
    assert 8 <= len(set(requirements.values_list("area", flat=True))) <= 14
    assert requirements.filter(gating=True).exists()


def test_loading_twice_changes_nothing(db, tmp_path, capsys):
    path = write(tmp_path, framework_yaml())
    call_command("load_framework", str(path))
    first = list(Requirement.objects.values())
    call_command("load_framework", str(path))
    assert "already loaded" in capsys.readouterr().out
    assert Framework.objects.count() == 1
    assert list(Requirement.objects.values()) == first


def test_weight_of_nine_on_the_40th_requirement_rejects_the_whole_file_naming_the_line(db, tmp_path):
    text = framework_yaml(forty_requirements(weight_of_40th=9))
    path = write(tmp_path, text)
    expected_line = next(n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "weight: 9")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_framework", str(path))
    message = str(excinfo.value)
    assert f"line {expected_line}:" in message
    assert "requirement 40 (PRC-40)" in message and "weight" in message and "9" in message
    assert_nothing_written()


def test_bad_yaml_is_rejected_with_its_line(db, tmp_path):
    text = framework_yaml() + "  - code: [unclosed\n"
    path = write(tmp_path, text)
    with pytest.raises(FrameworkFileError) as excinfo:
        load_framework_file(path)
    problem = excinfo.value.problems[0]
    assert "not valid YAML" in problem.message
    assert problem.line >= len(text.splitlines()) - 1
    assert_nothing_written()


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d["requirements"][1].update(code=d["requirements"][0]["code"]), "already used"),
        (lambda d: d["requirements"][2].update(pillar="culture"), "is not a pillar"),
        (lambda d: d["requirements"][2].update(gating="maybe"), "gating must be true or false"),
        (lambda d: d["requirements"][3].pop("guidance"), "missing 'guidance'"),
        (lambda d: d["requirements"][3].update(owner="someone"), "unknown key 'owner'"),
        (lambda d: d["requirements"][0].update(code="people-1"), "must look like PPL-04"),
        (lambda d: d["requirements"][0].update(area="Tool ing"), "lowercase slug"),
        (lambda d: d["requirements"][0].update(weight=2.5), "weight must be an integer"),
        (lambda d: d["framework"].update(version=0), "positive integer"),
        (lambda d: d.update(requirements=[]), "non-empty list"),
    ],
)
def test_each_kind_of_bad_file_is_rejected_whole(db, tmp_path, mutate, reason):
    data = yaml.safe_load(framework_yaml())
    mutate(data)
    path = write(tmp_path, yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(FrameworkFileError) as excinfo:
        load_framework_file(path)
    assert reason in str(excinfo.value)
    assert all(problem.line >= 1 for problem in excinfo.value.problems)
    assert_nothing_written()


def test_changed_content_under_a_loaded_version_is_refused(db, tmp_path):
    load_framework_file(write(tmp_path, framework_yaml(), "v1.yaml"))
    edited = framework_yaml().replace("Requirement PPL-01", "Reworded requirement")
    with pytest.raises(FrameworkFileError, match="already loaded with different content"):
        load_framework_file(write(tmp_path, edited, "v1-edited.yaml"))
    assert Requirement.objects.get(code="PPL-01").title == "Requirement PPL-01"


def test_a_new_version_loads_beside_the_old_one(db, tmp_path):
    load_framework_file(write(tmp_path, framework_yaml(version=1), "v1.yaml"))
    load_framework_file(write(tmp_path, framework_yaml(version=2), "v2.yaml"))
    assert list(Framework.objects.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_missing_file_is_a_clear_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_framework", str(tmp_path / "nope.yaml"))


@pytest.mark.parametrize("value", ['!!int "abc"', '!!timestamp "nope"', "!custom 3"])
def test_unreadable_tagged_values_name_their_line(db, tmp_path, value):
    text = framework_yaml().replace("weight: 2", f"weight: {value}", 1)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if value in row)
    with pytest.raises(FrameworkFileError) as excinfo:
        load_framework_file(write(tmp_path, text))
    assert f"line {line}:" in str(excinfo.value) and "weight" in str(excinfo.value)
    assert_nothing_written()


def test_comments_and_layout_are_not_content_changes(db, tmp_path):
    load_framework_file(write(tmp_path, framework_yaml(), "v1.yaml"))
    result = load_framework_file(write(tmp_path, "# reviewed 2026-11\n" + framework_yaml(), "v1-commented.yaml"))
    assert result.created is False
    assert Framework.objects.count() == 1
