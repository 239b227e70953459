# Input of the trace "python": a stdlib-heavy, deterministic script (no files, no network, no clock).
# Run with PYTHONMALLOC=malloc PYTHONHASHSEED=0 so every object goes through malloc and the run repeats.
import collections, dataclasses, decimal, difflib, fractions, heapq, itertools, json, random, re, statistics
import string, textwrap

rng = random.Random(42)
words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 11))) for _ in range(3000)]

@dataclasses.dataclass
class Item:
    name: str
    tags: list
    score: float

def document(n):
    return [{"id": i, "name": rng.choice(words), "tags": rng.sample(words, rng.randint(0, 6)),
             "score": rng.random(), "nested": {"a": [rng.randint(0, 999) for _ in range(rng.randint(0, 12))]}}
            for i in range(n)]

for rnd in range(1):
    doc = document(3000)
    text = json.dumps(doc, sort_keys=True)
    back = json.loads(text)
    items = [Item(d["name"], d["tags"], d["score"]) for d in back]
    items.sort(key=lambda it: (it.name, -it.score))
    counts = collections.Counter(t for it in items for t in it.tags)
    top = heapq.nlargest(20, counts.items(), key=lambda kv: (kv[1], kv[0]))
    prose = " ".join(rng.choice(words) for _ in range(20000))
    wrapped = textwrap.fill(prose, width=72)
    found = re.findall(r"\b([a-z]{3})([a-z]*)\b", wrapped)
    subst = re.sub(r"(\w+) (\w+)", lambda m: m.group(2).upper() + " " + m.group(1), wrapped[:50000])
    a = wrapped.splitlines()[:400]
    b = [line if rng.random() < 0.9 else line[::-1] for line in a]
    diff = list(difflib.unified_diff(a, b, lineterm=""))
    dec = sum(decimal.Decimal(i) / decimal.Decimal(7) for i in range(3000))
    frac = sum(fractions.Fraction(i, i + 1) for i in range(1, 400))
    stats = statistics.median(it.score for it in items)
    groups = {k: len(list(g)) for k, g in itertools.groupby(sorted(w[0] for w in words))}
    table = "\n".join(f"{it.name:>12} {it.score:8.4f} {','.join(it.tags)}" for it in items[:2000])
    print(rnd, len(text), len(found), len(subst), len(diff), str(dec)[:12], frac.numerator % 1000, round(stats, 4),
          len(groups), len(table), top[0])
