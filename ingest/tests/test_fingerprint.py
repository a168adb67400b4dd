from ingest import fingerprint


def words(count: int, start: int = 0) -> str:
    return " ".join(f"word{n}" for n in range(start, start + count))


def test_only_the_first_ten_thousand_words_are_fingerprinted():
    # What bounds the work on a 5 MB page: the rest of the text changes nothing.
    head = words(fingerprint.MAX_WORDS)
    assert fingerprint.signature(head + " " + words(5_000, start=10**6)) == fingerprint.signature(head)


def test_texts_within_the_bound_keep_their_stored_signatures():
    text = words(300)
    assert fingerprint.shingles(text) == {" ".join(f"word{n}" for n in range(i, i + 5)) for i in range(296)}
    assert fingerprint.similarity(fingerprint.signature(text), fingerprint.signature(text + " extra words")) > 0.95
