"""The domain model every layer shares, free of Scrapy, the database and the pipelines: a
fetched ``Page``, an extracted ``Article`` or a ``Skip``, a portal's ``SiteProfile`` and the
URL rules (canonical form, article and list patterns)."""
