"""The packaged taxonomy loads and covers the names the news uses; broken files are named by line."""

from pathlib import Path

import pytest

from digest.errors import DigestError, DigestErrors
from digest.taxonomy import DEFAULT_TAXONOMY_PATH, find_person, is_acronym, load_taxonomy

BROKEN = Path(__file__).parent / "fixtures" / "taxonomy"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def test_default_taxonomy_lists_topics_in_file_order(taxonomy):
    assert [(topic.slug, topic.kind) for topic in taxonomy.topics] == [
        ("russia", "actor"),
        ("turkey", "actor"),
        ("syria", "actor"),
        ("kurds", "actor"),
        ("idlib", "place"),
        ("euphrates", "place"),
    ]
    assert taxonomy.source_path == str(DEFAULT_TAXONOMY_PATH)


def test_default_taxonomy_people_speak_for_actors(taxonomy):
    actors = {topic.slug for topic in taxonomy.actors}
    assert taxonomy.people
    assert all(person.actor in actors for person in taxonomy.people)


@pytest.mark.parametrize(
    "alias, slug",
    [
        ("Russia", "russia"),
        ("Russian", "russia"),
        ("Russians", "russia"),
        ("Russian Federation", "russia"),
        ("Moscow", "russia"),
        ("Kremlin", "russia"),
        ("Vladimir Putin", "russia"),
        ("Dmitry Peskov", "russia"),
        ("Sergei Lavrov", "russia"),
        ("Turkey", "turkey"),
        ("Turkish", "turkey"),
        ("Ankara", "turkey"),
        ("Recep Tayyip Erdogan", "turkey"),
        ("Tayyip Erdogan", "turkey"),
        ("Erdogan", "turkey"),
        ("Erdoğan", "turkey"),
        ("Ibrahim Kalin", "turkey"),
        ("Kalin", "turkey"),
        ("Kalyn", "turkey"),
        ("Kalın", "turkey"),
        ("Syria", "syria"),
        ("Syrian", "syria"),
        ("Syrians", "syria"),
        ("Damascus", "syria"),
        ("Syrian Arab Republic", "syria"),
        ("Bashar al-Assad", "syria"),
        ("Assad", "syria"),
        ("Kurds", "kurds"),
        ("Kurdish", "kurds"),
        ("YPG", "kurds"),
        ("PKK", "kurds"),
        ("PYD", "kurds"),
        ("SDF", "kurds"),
        ("Democratic Union", "kurds"),
        ("Democratic Union Party", "kurds"),
        ("People's Protection Units", "kurds"),
        ("Kurdistan Workers' Party", "kurds"),
        ("Syrian Democratic Forces", "kurds"),
        ("Idlib", "idlib"),
        ("Idleb", "idlib"),
        ("İdlib", "idlib"),
        ("Euphrates", "euphrates"),
    ],
    ids=lambda value: value,
)
def test_default_taxonomy_has_alias(taxonomy, alias, slug):
    assert alias in [entry.text for entry in taxonomy.topic(slug).aliases]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Ibrahim Kalin", "ibrahim-kalin"),
        ("Kalyn", "ibrahim-kalin"),
        ("Kalin", "ibrahim-kalin"),
        ("kalın", "ibrahim-kalin"),
        ("Tayyip  Erdogan", "recep-tayyip-erdogan"),
        ("Bashar al‑Assad", "bashar-al-assad"),
        ("Peskov", "dmitry-peskov"),
        ("Russia", None),
        ("Sedat Onal", None),
    ],
    ids=["full-name", "kalyn", "kalin", "dotless-i-lower-case", "double-space", "unicode-hyphen",
         "surname", "topic-not-person", "unknown"],
)
def test_find_person(taxonomy, name, expected):
    person = find_person(taxonomy, name)
    assert (person.slug if person else None) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("YPG", True), ("PKK", True), ("Russia", False), ("RUSSIA", True), ("Kurdistan Workers' Party", False), ("I", False)],
    ids=["ypg", "pkk", "name", "all-caps-word", "phrase", "one-letter"],
)
def test_is_acronym(text, expected):
    assert is_acronym(text) is expected


def test_acronyms_match_exact_case_only(taxonomy):
    exact = {alias.text for topic in taxonomy.topics for alias in topic.aliases if alias.exact_case}
    assert exact == {"YPG", "YPJ", "PKK", "PYD", "SDF"}


def test_custom_taxonomy_needs_only_topics(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("topics:\n  - {slug: mars, name: Mars, kind: place}\n", encoding="utf-8")
    taxonomy = load_taxonomy(path)
    assert [alias.text for alias in taxonomy.topic("mars").aliases] == ["Mars"]
    assert taxonomy.people == () and taxonomy.ignored == ()


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(DigestError, match="not found") as caught:
        load_taxonomy(path)
    assert str(caught.value).startswith(f"{path}: ")


# Each broken file, and every problem it must report: (line, words of the message).
BROKEN_CASES = [
    ("malformed_yaml.yaml", [(4, "not valid YAML")]),
    ("top_level_list.yaml", [(1, "must be a mapping with 'topics:'")]),
    ("empty_file.yaml", [(1, "file is empty")]),
    ("no_topics.yaml", [(1, "has no topics"), (4, "actor 'russia', which is not a topic")]),
    ("unknown_kind.yaml", [(4, "kind 'country'; use 'actor' or 'place'")]),
    ("missing_name.yaml", [(2, "topic has no name; add 'name: ...'")]),
    ("missing_slug.yaml", [(2, "topic 'Russia' has no slug; add 'slug: russia'")]),
    ("bad_slug.yaml", [(2, "slug 'Russian_Federation' of topic 'Russia' is not lowercase-url-safe")]),
    ("duplicate_slug.yaml", [(5, "duplicate topic slug 'russia' (also line 2)")]),
    ("empty_alias.yaml", [(7, "an alias of topic 'Russia' is empty")]),
    ("alias_without_letters.yaml", [(5, "alias '-' of topic 'Russia' has no letters or digits")]),
    ("alias_not_text.yaml", [(7, "an alias of topic 'Norway' must be text; put 'no' in quotes")]),
    ("alias_on_two_topics.yaml", [(9, "alias 'Moscow' of topic 'Moscow city' is also an alias of topic 'Russia' (line 5)")]),
    ("alias_repeated_in_topic.yaml", [(7, "repeats \"Kurdistan Workers' Party\" (line 6): they differ only")]),
    ("person_alias_on_other_topic.yaml", [(13, "alias 'Putin' of person 'Vladimir Putin' is also an alias of topic 'Turkey' (line 8)")]),
    ("ignored_alias.yaml", [(7, "alias 'Turkish' of the ignore list is also an alias of topic 'Turkey' (line 5)")]),
    ("person_actor_is_place.yaml", [(11, "actor 'idlib', which is a place; use the slug of an actor topic: russia")]),
    ("person_actor_unknown.yaml", [(8, "actor 'turky', which is not a topic; use the slug of an actor topic: turkey")]),
    ("unknown_field.yaml", [(5, "unknown field 'alias' in a topic")]),
    ("field_twice.yaml", [(5, "field 'name' appears twice in a topic (also line 3)")]),
    ("aliases_not_list.yaml", [(5, "must be a list")]),
    ("several_problems.yaml", [(4, "kind 'country'"), (5, "slug 'Turkey'"), (8, "alias 'Russia' of topic 'Turkey'")]),
]


@pytest.mark.parametrize("file_name, problems", BROKEN_CASES, ids=[name.removesuffix(".yaml") for name, _ in BROKEN_CASES])
def test_broken_taxonomy_is_named_by_file_and_line(file_name, problems):
    path = BROKEN / file_name
    with pytest.raises(DigestError) as caught:
        load_taxonomy(path)
    errors = caught.value.errors if isinstance(caught.value, DigestErrors) else [caught.value]
    assert len(errors) == len(problems), str(caught.value)
    for error, (line, words) in zip(errors, problems):
        assert str(error).startswith(f"{path}:{line}: "), str(error)
        assert words in error.message
    for line, _ in problems:
        assert f"{path}:{line}: " in str(caught.value)  # the whole report names every line too
