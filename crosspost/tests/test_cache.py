from crosspost.lib.cache import PageFileCache


def _cache(tmp_path, max_entries):
    return PageFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def test_writing_many_entries_lists_the_directory_once_per_hundredth_of_the_limit(tmp_path, monkeypatch):
    cache = _cache(tmp_path, 10_000)
    listings: list[int] = []
    original = cache._list_cache_files

    def counted_listing() -> list[str]:
        listings.append(1)
        return original()

    monkeypatch.setattr(cache, "_list_cache_files", counted_listing)
    cache.set_many({f"token-{n}": "x" for n in range(1_000)}, timeout=None)
    assert len(listings) == 10  # Django's file cache lists it before each of the 1,000 writes
    assert cache.get("token-999") == "x"


def test_the_cache_still_keeps_to_its_limit_within_one_check(tmp_path):
    cache = _cache(tmp_path, 1_000)
    for n in range(3_000):
        cache.set(f"page-{n}", "x", timeout=None)
    assert len(list(tmp_path.glob("*.djcache"))) <= 1_000 + 10
    assert cache.get("page-2999") == "x"
