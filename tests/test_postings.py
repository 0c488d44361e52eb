"""The search index's lists, kept between builds and updated, equal those made at once."""

import json
import random

import pytest

from digest.postings import Postings
from digest.search import PackedWeights, SearchDocument, SearchInput, build_postings, term_weights

WORDS = ["idlib", "russia", "turkey", "kurds", "euphrates", "ceasefire", "talks", "ankara", "moscow", "road", "ﬁre",
         "zürich", "日本", "x2"]


def document(rng: random.Random, number: int) -> SearchDocument:
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 30)))
    return SearchDocument(f"articles/{number}.html", rng.choice(WORDS), "", rng.choice(["", "TASS"]), "", (), body)


def kept_lists(postings: Postings) -> dict[str, list[int]]:
    return {term: json.loads(encoded) for term, encoded in postings.encoded.items()}


def update(postings: Postings, documents: list[SearchDocument], identities: list[str]) -> None:
    postings.update(SearchInput(identities, [document.record() for document in documents],
                                [PackedWeights.pack(term_weights(document)) for document in documents]))


@pytest.mark.parametrize("seed", range(12))
def test_lists_updated_after_edits_additions_and_deletions_equal_lists_made_at_once(seed):
    rng = random.Random(seed)
    documents = [document(rng, number) for number in range(rng.randint(0, 40))]
    identities = [f"{number}:0" for number in range(len(documents))]
    postings = Postings("key")
    update(postings, documents, identities)
    assert kept_lists(postings) == build_postings(documents)
    for version in range(1, 6):
        change = rng.choice(["edit", "append", "drop newest", "edit many"])
        if change == "edit" and documents:
            number = rng.randrange(len(documents))
            documents[number] = document(rng, number)
            identities[number] = f"{number}:{version}"
        elif change == "append":
            documents.append(document(rng, len(documents)))
            identities.append(f"{len(identities)}:{version}")
        elif change == "drop newest" and documents:
            documents.pop()
            identities.pop()
        else:  # past the share of changes worth updating: made again from nothing
            for number in range(0, len(documents), 2):
                documents[number] = document(rng, number)
                identities[number] = f"{number}:{version}"
        update(postings, documents, identities)
        assert kept_lists(postings) == build_postings(documents), change
        assert postings.numbers.keys() == postings.encoded.keys()


def test_the_only_article_with_a_word_edited_keeping_the_word():
    # Ten articles: one changed is few enough for the lists to be updated.
    documents = [SearchDocument(f"articles/{number}.html", "Idlib", "", "", "", (), "road") for number in range(10)]
    documents[1] = SearchDocument("articles/b.html", "Idlib", "", "", "", (), "quiet")
    identities = [f"{number}:0" for number in range(10)]
    postings = Postings("key")
    update(postings, documents, identities)
    documents[1] = SearchDocument("articles/b.html", "Idlib", "", "", "", (), "quiet quiet")
    identities[1] = "1:1"
    update(postings, documents, identities)
    assert kept_lists(postings) == build_postings(documents)


def test_an_article_without_identity_is_always_taken_for_changed():
    rng = random.Random(1)
    documents = [document(rng, number) for number in range(10)]
    postings = Postings("key")
    update(postings, documents, [None] * 10)
    documents[3] = document(rng, 3)
    update(postings, documents, [None] * 10)
    assert kept_lists(postings) == build_postings(documents)


def pack(document: SearchDocument) -> PackedWeights:
    return PackedWeights.pack(term_weights(document))


def twenty_articles(seed: int) -> tuple[random.Random, list[SearchDocument], list[str], Postings]:
    """A random generator, 20 documents, their identities and the lists made of them."""
    rng = random.Random(seed)
    documents = [document(rng, number) for number in range(20)]
    identities = [f"{number}:0" for number in range(20)]
    postings = Postings("key")
    update(postings, documents, identities)
    return rng, documents, identities, postings


def update_with(postings: Postings, documents: list[SearchDocument], identities: list[str], numbers: list[int],
                made_from: str) -> None:
    """Update ``postings`` with the entries of ``numbers`` alone, as the build sends them
    (changed_input), and check them against lists made at once."""
    changes = SearchInput([identities[number] for number in numbers],
                          [documents[number].record() for number in numbers],
                          [pack(documents[number]) for number in numbers], numbers, len(documents))
    postings.update(postings.changed_input(changes), made_from)
    assert kept_lists(postings) == build_postings(documents)
    assert postings.records == [document.record() for document in documents]
    assert postings.documents == identities


@pytest.mark.parametrize("seed", range(6))
def test_lists_given_the_changed_articles_alone_equal_lists_made_at_once(seed):
    # After an edit, the build sends the edited articles' entries alone (changed_input).
    rng, documents, identities, postings = twenty_articles(seed)
    for version in range(1, 5):
        numbers = sorted(rng.sample(range(20), rng.randint(1, 3)))
        for number in numbers:
            documents[number] = document(rng, number)
            identities[number] = f"{number}:{version}"
        update_with(postings, documents, identities, numbers, f"articles {version}")
        assert postings.made_from == f"articles {version}"


@pytest.mark.parametrize("seed", range(4))
def test_lists_given_the_articles_whose_numbers_changed_equal_lists_made_at_once_as_articles_come_and_go(seed):
    # An article added or removed moves every newer one's number: the build sends those
    # alone, with how many articles there are now, however many they are.
    rng, documents, identities, postings = twenty_articles(seed)
    for version in range(1, 6):
        place = rng.randrange(len(documents) + 1)
        if rng.random() < 0.5 or len(documents) < 3:
            documents.insert(place, document(rng, 100 + version))
            identities.insert(place, f"new:{version}")
        else:
            place = min(place, len(documents) - 1)
            del documents[place], identities[place]
        update_with(postings, documents, identities, list(range(place, len(documents))), f"articles {version}")


def test_lists_with_an_article_without_identity_are_not_said_to_be_made_from_their_articles():
    # Such an article's weights are made again each build: the lists cannot be given the
    # changed articles alone.
    rng = random.Random(3)
    documents = [document(rng, number) for number in range(10)]
    postings = Postings("key")
    postings.update(SearchInput([None, *map(str, range(1, 10))], [document.record() for document in documents],
                                [pack(document) for document in documents]), "articles")
    assert postings.made_from == ""


def test_lists_kept_under_another_key_or_unreadable_are_not_used(tmp_path):
    rng = random.Random(2)
    documents = [document(rng, number) for number in range(10)]
    postings = Postings("key")
    update(postings, documents, [str(number) for number in range(10)])
    kept = tmp_path / "search.pickle"
    postings.save(kept)
    assert Postings.load(kept, "key") == postings
    assert Postings.load(kept, "other key").encoded == {}
    kept.write_bytes(b"not a pickle")
    assert Postings.load(kept, "key").encoded == {}
