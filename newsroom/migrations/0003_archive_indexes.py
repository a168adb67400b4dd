from django.db import migrations

# Indexes for a large archive on tables Django and Wagtail create without them. Each is created
# only if missing, so they can also be added by hand to a site that outgrew the defaults.
INDEXES = {
    # Pages of one type by their last publication, with `live` last because Django writes that
    # test as a bare column on SQLite, which cannot seek on it. The sitemap index asks for the
    # articles' newest date: one seek instead of sorting every article.
    "crosspost_page_type_published": "wagtailcore_page (content_type_id, last_published_at, live)",
    # A section's articles in id order, read from the index alone: search walks a region's newest
    # matches this way (PostgreSQL merges it with the search entries' primary key).
    "crosspost_region_articles": "newsroom_articlepage_regions (regionpage_id, articlepage_id)",
    "crosspost_theme_articles": "newsroom_articlepage_themes (themepage_id, articlepage_id)",
}


class Migration(migrations.Migration):

    dependencies = [
        ("newsroom", "0002_licence_and_comments"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}", f"DROP INDEX IF EXISTS {name}")
        for name, columns in INDEXES.items()
    ]
