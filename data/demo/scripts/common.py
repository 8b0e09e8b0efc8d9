"""Helpers for the per-language demo-data scripts (synthetic, CC0).

Each language module builds a list of items with N() (news), A() (appeal) and
syndicated() (a lightly edited copy of a news item from another outlet).
build.py collects them, numbers them per language and writes documents.jsonl.
"""
from __future__ import annotations

import re

CHANNELS = {"news", "text_appeal", "hotline", "email"}


class Lang:
    def __init__(self, lang: str, outlets: dict[str, str]):
        self.lang = lang
        self.outlets = outlets  # source name -> domain (without .example)
        self.items: list[dict] = []

    def N(self, days: int, region: str | None, source: str, slug: str, title: str, text: str,
          section: str = "news") -> dict:
        item = {"channel": "news", "lang": self.lang, "title": title.strip(),
                "text": " ".join(text.split()), "source": source,
                "url": f"https://{self.outlets[source]}.example/{section}/{slug}",
                "days_ago": days, "region": region}
        self.items.append(item)
        return item

    def A(self, days: int, region: str | None, channel: str, source: str, text: str,
          title: str | None = None) -> dict:
        assert channel in CHANNELS and channel != "news"
        item = {"channel": channel, "lang": self.lang, "text": " ".join(text.split()),
                "source": source, "days_ago": days, "region": region}
        if title:
            item["title"] = title
        self.items.append(item)
        return item

    def syndicated(self, orig: dict, days: int, source: str, slug: str, title: str,
                   lead: str = "", drop_last: bool = False, section: str = "news") -> dict:
        """A rewritten copy: new title, optional attribution lead, optionally the last sentence cut."""
        text = orig["text"]
        if drop_last:
            parts = re.split(r"(?<=[.!؟?。])\s+", text)
            if len(parts) > 2:
                text = " ".join(parts[:-1])
        if lead:
            lead = lead.strip()
            if lead.endswith(",") and len(text) > 1 and text[1].islower():
                text = text[0].lower() + text[1:]
            text = lead + " " + text
        return self.N(days, orig["region"], source, slug, title, text, section)
