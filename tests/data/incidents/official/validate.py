import json, collections, sys
path = "/work/official_eval/official_responses.jsonl"
ids, rows = set(), []
for n, line in enumerate(open(path, encoding="utf-8"), 1):
    r = json.loads(line)
    assert set(r) == {"id","lang","channel","title","text","official_response","note"}, n
    assert r["id"] not in ids, r["id"]; ids.add(r["id"])
    assert r["lang"] in {"ru","ar","fa","vi","en"} and r["id"].startswith(r["lang"]+"-")
    assert isinstance(r["official_response"], bool) and r["text"].strip()
    assert r["note"], r["id"]
    rows.append(r)
by_lang = collections.Counter(r["lang"] for r in rows)
lab = collections.Counter((r["lang"], r["official_response"]) for r in rows)
for L in by_lang:
    assert by_lang[L] >= 40, L
    assert lab[(L, True)] and lab[(L, False)], L
chans = ["news","social","hotline","text_appeal","email","video_appeal"]
cell = collections.Counter((r["lang"], r["official_response"], r["channel"]) for r in rows)
hard = collections.Counter(r["lang"] for r in rows if not r["official_response"] and r["note"].startswith("hard negative"))
print("| lang | label | " + " | ".join(chans) + " | total |")
print("|---|---|" + "---|"*len(chans) + "---|")
for L in ["ru","ar","fa","vi","en"]:
    for b in [True, False]:
        print(f"| {L} | {str(b).lower()} | " + " | ".join(str(cell[(L,b,c)]) for c in chans) + f" | {lab[(L,b)]} |")
print()
print("| lang | total | true | false | hard negatives (share of false) | long news (>=150 words) |")
print("|---|---|---|---|---|---|")
for L in ["ru","ar","fa","vi","en"]:
    longn = sum(1 for r in rows if r["lang"]==L and r["channel"]=="news" and len(r["text"].split())>=150)
    print(f"| {L} | {by_lang[L]} | {lab[(L,True)]} | {lab[(L,False)]} | {hard[L]} ({hard[L]/lab[(L,False)]:.0%}) | {longn} |")
T = sum(r["official_response"] for r in rows)
print(f"| all | {len(rows)} | {T} | {len(rows)-T} | {sum(hard.values())} ({sum(hard.values())/(len(rows)-T):.0%}) | |")
print("OK: all lines parse, ids unique, >=40 per language, both labels per language")
