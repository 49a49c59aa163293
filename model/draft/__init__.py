"""Drafting a site profile from a sample of a portal's pages (``scrapy genprofile``).

Pure functions, no Scrapy: ``shapes`` (URL path templates and their regexes), ``pages`` (list
or article, from a page's markup), ``cms`` (which CMS family built the site), ``robots``
(robots.txt rules), ``builder`` (the profile and its YAML) and ``table`` (the verification
table printed next to the draft).
"""
