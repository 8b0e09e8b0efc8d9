"""News crawling on Scrapy: sources config, spiders, item pipelines and the runner that hands documents to core.

See ``crawlers.runner`` for how a run works and ``crawlers.sources`` for the sources file.
"""
