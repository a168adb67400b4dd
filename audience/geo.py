"""The country of an IP address, only when the operator installed a country database.

`AUDIENCE_GEOIP_DB` names a MaxMind-format file (GeoLite2-Country from MaxMind, or DB-IP's free
country database). Without it no country is counted and the maxminddb package is not imported.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings

log = logging.getLogger(__name__)


@functools.cache
def _reader(path: str):
    try:
        import maxminddb
        from maxminddb.errors import InvalidDatabaseError

        return maxminddb.open_database(path)
    except (ImportError, OSError, ValueError, InvalidDatabaseError) as exc:
        log.warning("country database %s cannot be read (%s); countries are not counted", path, exc)
        return None


def country(ip: str) -> str:
    """ISO 3166 code, or '' when there is no database or the address is not in it."""
    path = settings.AUDIENCE_GEOIP_DB
    if not path or not ip:
        return ""
    reader = _reader(path)
    if reader is None:
        return ""
    try:
        record = reader.get(ip)
    except ValueError:  # not an IP address
        return ""
    if not isinstance(record, dict):
        return ""
    found = record.get("country") or record.get("registered_country") or {}
    return str(found.get("iso_code", ""))[:2].upper()
