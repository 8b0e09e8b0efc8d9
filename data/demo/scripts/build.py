"""Builds data/demo/documents.jsonl from the per-language modules and validates it.

Run from anywhere: python data/demo/scripts/build.py
"""
from __future__ import annotations

import importlib
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
OUT = HERE.parent / "documents.jsonl"
LANGS = ["ru", "ar", "fa", "vi", "en"]
REQUIRED = {"id", "channel", "lang", "text", "source", "days_ago", "region"}


def main() -> int:
    import yaml

    deps = yaml.safe_load((HERE.parent.parent / "departments.yaml").read_text(encoding="utf-8"))
    dep_ids = {d["id"] for d in deps["departments"]}
    rows: list[dict] = []
    for lang in LANGS:
        try:
            mod = importlib.import_module(lang)
        except ModuleNotFoundError:
            print(f"skip {lang}: no module", file=sys.stderr)
            continue
        for n, item in enumerate(mod.ITEMS, 1):
            row = {"id": f"demo-{lang}-{n:03d}", **item}
            rows.append(row)
    per_lang: Counter[str] = Counter()
    for item in importlib.import_module("social").ITEMS:  # public posts, numbered per language
        per_lang[item["lang"]] += 1
        rows.append({"id": f"demo-social-{item['lang']}-{per_lang[item['lang']]:02d}", **item})
    urls: set[str] = set()
    for r in rows:
        missing = REQUIRED - r.keys()
        assert not missing, (r["id"], missing)
        assert r["channel"] in {"news", "social", "text_appeal", "hotline", "email"}, r["id"]
        assert isinstance(r["days_ago"], int) and 0 <= r["days_ago"] <= 59, r["id"]
        assert r["region"] is None or r["region"] in dep_ids, (r["id"], r["region"])
        assert len(r["text"]) > 40, r["id"]
        if r["channel"] == "social":
            assert r["url"].startswith("https://") and ".example/" in r["url"] and r["reach"], r["id"]
        if r["channel"] == "news":
            assert r.get("title") and r["url"].startswith("https://"), r["id"]
            assert ".example/" in r["url"], r["id"]
            assert r["url"] not in urls, ("duplicate url", r["id"], r["url"])
            urls.add(r["url"])
    with OUT.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # re-read and report
    back = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in back}) == len(back)
    c = Counter((r["lang"], r["channel"]) for r in back)
    print(f"{len(back)} items -> {OUT}")
    for lang in LANGS:
        n = sum(v for (lg, _), v in c.items() if lg == lang)
        print(lang, n, {ch: c[(lang, ch)] for ch in ("news", "social", "text_appeal", "hotline", "email")})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
