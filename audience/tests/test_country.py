"""Countries, only with a country database: built here with mmdb-writer, read by MaxMind's reader."""

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from audience import geo
from audience.models import DailyBreakdown
from audience.tests.test_beacon import beacon, flush


@pytest.fixture
def country_db(tmp_path, settings):
    writer = MMDBWriter(ip_version=6, database_type="GeoLite2-Country", ipv4_compatible=True)
    writer.insert_network(IPSet(["203.0.113.0/24"]), {"country": {"iso_code": "FR", "names": {"en": "France"}}})
    writer.insert_network(IPSet(["2001:db8::/32"]), {"registered_country": {"iso_code": "DE"}})
    path = tmp_path / "country.mmdb"
    writer.to_db_file(str(path))
    settings.AUDIENCE_GEOIP_DB = str(path)
    geo._reader.cache_clear()
    yield path
    geo._reader.cache_clear()


def test_without_a_database_no_country_is_counted(client, make_article):
    beacon(client, make_article(), ip="203.0.113.5")
    flush()
    assert not DailyBreakdown.objects.filter(dimension="country").exists()


def test_with_a_database_views_are_counted_per_country_and_the_address_is_dropped(client, make_article, country_db):
    article = make_article()
    beacon(client, article, ip="203.0.113.5")
    beacon(client, article, ip="203.0.113.6")
    beacon(client, article, ip="2001:db8::7")
    beacon(client, article, ip="198.51.100.1")  # not in the database: no country
    flush()
    assert dict(DailyBreakdown.objects.filter(dimension="country").values_list("value", "views")) == {"FR": 2, "DE": 1}


def test_an_unreadable_database_counts_views_without_countries(client, make_article, settings, tmp_path):
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    settings.AUDIENCE_GEOIP_DB = str(broken)
    geo._reader.cache_clear()
    beacon(client, make_article(), ip="203.0.113.5")
    assert flush().views == 1
    geo._reader.cache_clear()
