"""digest.yaml: keys from site.Settings and the folders, checked with file, line and key."""

import dataclasses
from pathlib import Path

import pytest

from digest.config import PATH_KEYS, config_keys, load_project
from digest.errors import DigestError, DigestErrors
from digest.site import Settings


def errors_of(caught) -> list[str]:
    error = caught.value
    return [str(one) for one in (error.errors if isinstance(error, DigestErrors) else [error])]


def test_no_config_file_gives_the_defaults(tmp_path):
    project = load_project(cwd=tmp_path)
    assert project.config_path is None
    assert project.settings == Settings()
    assert (project.articles_dir, project.out_dir) == (tmp_path / "articles", tmp_path / "site")
    assert project.taxonomy_path is None and project.templates_dir == tmp_path / "templates"


def test_every_settings_field_and_folder_is_a_key():
    fields = [field.name for field in dataclasses.fields(Settings)]
    assert list(config_keys()) == [*PATH_KEYS, *fields]


def test_config_sets_settings_and_folders_relative_to_its_own_folder(tmp_path):
    config = tmp_path / "project" / "digest.yaml"
    config.parent.mkdir()
    config.write_text("# my digest\nsite_title: Syria watch\nsummary_length: 120\n"
                      "articles: news\noutput: ../public\ntaxonomy: topics.yaml\n")
    project = load_project(config, cwd=tmp_path / "elsewhere")
    assert project.root == config.parent and project.config_path == config
    assert project.settings == dataclasses.replace(Settings(), site_title="Syria watch", summary_length=120)
    assert project.articles_dir == config.parent / "news"
    assert project.out_dir == config.parent / "../public"
    assert project.taxonomy_path == config.parent / "topics.yaml"


def test_digest_yaml_in_the_current_folder_is_found(tmp_path):
    (tmp_path / "digest.yaml").write_text("site_title: Found\n")
    assert load_project(cwd=tmp_path).settings.site_title == "Found"


def test_flags_override_the_config(tmp_path):
    (tmp_path / "digest.yaml").write_text("site_title: From file\nsummary_length: 120\noutput: public\n")
    project = load_project(cwd=tmp_path, overrides={"site_title": "From flag", "output": Path("flagged"),
                                                    "summary_length": None})
    assert project.settings.site_title == "From flag"
    assert project.settings.summary_length == 120  # a flag not given leaves the file's value
    assert project.out_dir == Path("flagged")  # relative to the current folder, as typed


def test_empty_config_file_keeps_the_defaults(tmp_path):
    (tmp_path / "digest.yaml").write_text("# nothing set yet\n")
    assert load_project(cwd=tmp_path).settings == Settings()


BAD = [
    ("unknown-key", "site_title: A\nsumary_length: 3\n", 2,
     "unknown key 'sumary_length'; did you mean 'summary_length'?"),
    ("number-for-text", "site_title: 1984\n", 1, "site_title must be text, not the number 1984 (put it in quotes)"),
    ("text-for-number", "\nsummary_length: long\n", 2, "summary_length must be a whole number, not the text 'long'"),
    ("boolean-for-number", "summary_length: yes\n", 1, "summary_length must be a whole number, not true/false True"),
    ("list-for-text", "site_title:\n  - a\n  - b\n", 2, "site_title must be text, not a list"),
    ("below-the-least", "summary_length: 3\n", 1, "summary_length is 3; use a whole number of at least"),
    ("empty-folder", "output:\n", 1, "output must be a path to a folder or file, not empty"),
    ("repeated-key", "site_title: A\nsite_title: B\n", 2, "key 'site_title' is given twice (first on line 1)"),
    ("not-a-mapping", "- site_title\n", 1, "the configuration must be a mapping"),
    ("bad-yaml", "site_title: [unclosed\nsummary_length: 3\n", 2, "flow sequence on line 1"),
]


@pytest.mark.parametrize("text, line, message", [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_config_names_file_line_and_key(tmp_path, text, line, message):
    (tmp_path / "digest.yaml").write_text(text)
    with pytest.raises(DigestError) as caught:
        load_project(cwd=tmp_path)
    first = errors_of(caught)[0]
    assert first.startswith(f"{tmp_path / 'digest.yaml'}:{line}: "), first
    assert message in first


def test_every_problem_of_a_config_is_reported_at_once(tmp_path):
    (tmp_path / "digest.yaml").write_text("site_title: 7\ncolour: red\nsummary_length: short\n")
    with pytest.raises(DigestErrors) as caught:
        load_project(cwd=tmp_path)
    assert [message.split(":")[1] for message in errors_of(caught)] == ["1", "2", "3"]


def test_missing_config_given_on_purpose_is_an_error(tmp_path):
    with pytest.raises(DigestError, match="configuration file not found"):
        load_project(tmp_path / "nope.yaml")
