"""Deduplication benchmark: threshold choice, scaling, and clustering quality.

    python benchmarks/dedup_benchmark.py            # full run: 1k, 10k, 100k (about 12 minutes)
    python benchmarks/dedup_benchmark.py --quick    # 1k and 10k only

1. Threshold: exact shingle Jaccard of pairs built from realistic text (the five sample
   scrapes' article text and the adapters' golden texts, all Syria war reports): syndicated
   copies (rewritten first sentence, dropped paragraph, another site's boilerplate, copy
   edits) against different reports of the same war, including pairs sharing whole background
   paragraphs and template-made daily reports. Printed per shingle size with the gap.
2. Scaling: per-article dedup cost (the clustering step inside Store.save_article, and the
   whole save) on archives of 1k, 10k and 100k synthetic articles; the 100k/1k ratio. Probes
   alternate between the grown archive and a fresh copy of the 1k one, so the baseline shares
   the machine's load of the moment.
3. Quality: pairwise precision and recall of the clusters the store builds on a labelled
   synthetic set (stories, some syndicated up to three times).

Figures are ratios against a baseline measured in the same run, never absolute targets.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archiver.config import DedupConfig  # noqa: E402
from archiver.models import ParsedArticle  # noqa: E402
from archiver.dedup import text_hash  # noqa: E402
from archiver.dedup.clusters import Clusterer  # noqa: E402
from archiver.dedup.index import MemoryIndex  # noqa: E402
from archiver.dedup.sketch import Params, jaccard, prepare, shingles  # noqa: E402
from archiver.store import Store  # noqa: E402

SAMPLES = ROOT / "tests" / "fixtures" / "dedup"
GOLDEN = ROOT / "tests" / "golden"

# Another site's furniture around a republished story.
HEADERS = [
    "Fars News Agency reported on Sunday, citing military sources on the ground.",
    "This article originally appeared on Fars News Agency and is republished here with minor edits.",
    "Editor's note: the following report was first published by our partners at FNA.",
]
FOOTERS = [
    "The views and opinions expressed in this article are those of the author and do not necessarily reflect the "
    "official position of this website. Follow us on Telegram and Twitter for the latest updates from the region.",
    "Support independent journalism: donate today. Copyright the original source, all rights reserved, republished "
    "under fair use for the purpose of news reporting and commentary.",
    "Subscribe to our newsletter to receive the day's top stories from the Middle East in your inbox every morning.",
]
LEADS = [
    "Government forces backed by allied fighters have made fresh gains against the terrorists, a field source said.",
    "The Syrian military has pressed on with its offensive, according to reports from the front on Sunday.",
    "Fresh advances by Damascus and its allies were reported by local sources overnight.",
]
SWAPS = {"ISIS": "Daesh", "Daesh": "ISIS", "army": "military", "terrorists": "militants", "said": "stated"}


def split_sentences(paragraph: str) -> list[str]:
    return re.split(r"(?<=[.!?\"”])\s+(?=[A-Z“\"])", paragraph)


def syndicate(text: str, rng: random.Random, drop: int = 1) -> str:
    """A republished copy: new first sentence, `drop` paragraphs gone, other boilerplate, copy edits."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    first = split_sentences(paras[0])
    first[0] = rng.choice(LEADS)
    paras[0] = " ".join(first)
    for _ in range(drop):
        if len(paras) > 3:
            del paras[rng.randrange(1, len(paras))]
    words = " ".join(paras).split(" ")
    # A copy editor's touch: a few words swapped across the whole text.
    edited = "\n\n".join(paras)
    for _ in range(3):
        word = rng.choice([w for w in words if w in SWAPS] or [""])
        if word:
            edited = edited.replace(f" {word} ", f" {SWAPS[word]} ", 1)
    return "\n\n".join([rng.choice(HEADERS), edited.replace('"', "“"), rng.choice(FOOTERS)])


def realistic_texts() -> dict[str, str]:
    """Distinct stories: the samples' article text, and golden texts one per (site, key)."""
    texts = {p.stem: p.read_text(encoding="utf-8").strip() for p in sorted(SAMPLES.glob("*.txt"))}
    seen_keys: set[tuple[str, str]] = set()
    for path in sorted(GOLDEN.glob("**/*.json")):  # golden/SITE/*.json, or golden/SITE/VERSION/*.json
        site = path.relative_to(GOLDEN).parts[0]
        expected = json.loads(path.read_text(encoding="utf-8")).get("expected") or {}
        text, key = expected.get("text") or "", (site, expected.get("key"))
        if len(text.split()) < 80 or key in seen_keys:
            continue
        seen_keys.add(key)
        # A golden text may be a sample's story parsed from HTML: keep one copy of each story.
        if any(jaccard(shingles(text, 5), shingles(t, 5)) > 0.3 for t in texts.values()):
            continue
        texts[f"{site}/{path.stem}"] = text
    return texts


# -- template reports: many different stories in one vocabulary ------------------------
UNITS = ["The Syrian Army troops", "Government forces", "The Tiger Forces", "Army units and the National Defense Forces",
         "Syrian soldiers backed by Hezbollah fighters", "The 4th Mechanized Division", "Pro-government forces",
         "The Syrian army and its popular allies"]
PLACES = ["Raqqa", "Tabqa", "Palmyra", "Deir Ezzor", "Khanasser", "Ithriya", "Homs", "Hama", "Aleppo", "Latakia",
          "Qaryateen", "Jabboul Lake", "al-Sukhnah", "Resafa", "Maskanah", "Jirah Airbase", "Kuweires", "al-Bab",
          "Ain al-Baida", "al-Ghab Plain", "Abu Alaj", "Rumthan", "Dibsi Afnan", "Zakiyah", "Mahin", "Arak"]
ENEMY = ["ISIS terrorists", "Daesh militants", "al-Nusra Front gunmen", "the Takfiri terrorists", "ISIL fighters",
         "Jeish al-Fatah militants"]
VERBS = ["advanced", "pushed", "pressed on", "made fresh gains", "stormed the positions of the enemy"]
SUPPORT = ["backed up by the Russian fighter jets", "supported by heavy artillery fire", "under the cover of Syrian air force strikes",
           "in cooperation with popular defense groups", "after hours of non-stop battle"]
SENTENCES = [
    "{unit} {verb} {km} kilometers {dir} of {place}, {support}, and took control of {n} villages.",
    "{unit} regained control over {place} and {place2} after {enemy} fled the battlefield.",
    "Scores of {enemy} were killed or wounded in clashes near {place} on {day}, military sources said.",
    "{unit} repelled an attack by {enemy} on their positions in {place}, {support}.",
    "\"The {enemy} have suffered heavy losses in {place} and are retreating towards {place2},\" a field commander said.",
    "Syrian jets carried out {n} sorties against hideouts of {enemy} in the {dir} part of {place}.",
    "The army seized {n} tanks and large amounts of ammunition left behind by {enemy} in {place}.",
    "Reports said earlier today that {unit} have continued their advances against {enemy} around {place}.",
    "{unit} are now {km} kilometers away from {place}, a source close to the operation told reporters on {day}.",
    "Engineering units defused dozens of mines planted by {enemy} along the road between {place} and {place2}.",
]
BACKGROUND = [  # paragraphs a site repeats under many different reports
    "Raqqa is the self-proclaimed capital of the ISIS terrorist group, which has been holding the city since 2014.",
    "A new round of peace talks has got under way between the Damascus government and the foreign-backed opposition, "
    "aimed at resolving the five-year deadly crisis in Syria.",
    "According to a February report by the Syrian Center for Policy Research, the conflict has claimed the lives of over "
    "470,000 people and displaced nearly half of Syria's pre-war population of about 23 million within or beyond its borders.",
    "The Geneva-hosted negotiations are underway as a ceasefire has stood in Syria since February 27.",
    "Syria has been gripped by a foreign-backed militancy since March 2011, and the army has been fighting on several fronts.",
]
DIRS = ["east", "west", "north", "south", "northeast", "southeast", "northwest", "southwest"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def template_report(rng: random.Random, paragraphs: int | None = None) -> str:
    """One daily front-line report: template sentences, new names and numbers, a shared background paragraph."""
    def sentence() -> str:
        place, place2 = rng.sample(PLACES, 2)
        return rng.choice(SENTENCES).format(
            unit=rng.choice(UNITS), verb=rng.choice(VERBS), km=rng.randint(2, 40), dir=rng.choice(DIRS), place=place,
            place2=place2, support=rng.choice(SUPPORT), n=rng.randint(2, 30), enemy=rng.choice(ENEMY), day=rng.choice(DAYS))

    count = paragraphs or rng.randint(5, 9)
    paras = [" ".join(sentence() for _ in range(rng.randint(1, 3))) for _ in range(count)]
    paras += rng.sample(BACKGROUND, rng.randint(0, 2))
    return "\n\n".join(paras)


# -- 1. threshold measurement ----------------------------------------------------------
def measure_pairs(rng: random.Random) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    stories = realistic_texts()
    positives, negatives = [], []
    for name, text in stories.items():
        # One dropped paragraph always; two only from a long text (eight paragraphs or more).
        for drop in (0, 1, 2) if text.count("\n\n") >= 7 else (0, 1):
            positives.append((f"{name} syndicated, {drop} paragraph(s) dropped", text, syndicate(text, rng, drop)))
    for (a, ta), (b, tb) in itertools.combinations(stories.items(), 2):
        negatives.append((f"{a} vs {b}", ta, tb))
        # Heavy shared wording: both carry the same two background paragraphs, as one site's
        # daily reports do, and B quotes A's closing paragraph.
        background = "\n\n".join(rng.sample(BACKGROUND, 2))
        closing = ta.split("\n\n")[-1]
        negatives.append((f"{a} vs {b}, shared background + A's closing paragraph",
                          f"{ta}\n\n{background}", f"{tb}\n\n{closing}\n\n{background}"))
    for i in range(200):
        negatives.append((f"template report {i}", template_report(rng), template_report(rng)))
    return positives, negatives


def threshold_table(rng: random.Random) -> None:
    positives, negatives = [], []
    for _ in range(3):  # three draws of the random edits
        more_pos, more_neg = measure_pairs(rng)
        positives += more_pos
        negatives += more_neg
    print(f"\n== 1. threshold: exact shingle Jaccard on {len(positives)} syndicated-copy pairs and "
          f"{len(negatives)} different-story pairs (realistic text: {len(realistic_texts())} stories)")
    print(f"{'shingle':>8} {'copies min':>11} {'copies p5':>10} {'others max':>11} {'others p99':>11}  gap")
    scores = {}
    for size in (2, 3, 4, 5, 6, 7):
        pos = sorted(jaccard(shingles(a, size), shingles(b, size)) for _, a, b in positives)
        neg = sorted(jaccard(shingles(a, size), shingles(b, size)) for _, a, b in negatives)
        scores[size] = (pos, neg)
        print(f"{size:>8} {pos[0]:>11.3f} {pos[len(pos) // 20]:>10.3f} {neg[-1]:>11.3f} {neg[int(len(neg) * 0.99)]:>11.3f}"
              f"  {pos[0] - neg[-1]:+.3f}")
    print("pair errors by threshold (missed copies / merged different stories):")
    thresholds = (0.2, 0.25, 0.3, 0.32, 0.33, 0.35, 0.4, 0.5)
    print(f"{'shingle':>8} " + " ".join(f"{t:>9}" for t in thresholds))
    for size, (pos, neg) in scores.items():
        cells = [f"{sum(p < t for p in pos)}/{sum(n >= t for n in neg)}" for t in thresholds]
        print(f"{size:>8} " + " ".join(f"{c:>9}" for c in cells))
    size = DedupConfig().shingle_size
    worst_pos = min(positives, key=lambda p: jaccard(shingles(p[1], size), shingles(p[2], size)))
    worst_neg = max(negatives, key=lambda p: jaccard(shingles(p[1], size), shingles(p[2], size)))
    print(f"hardest copy at k={size}: {worst_pos[0]} (J={jaccard(shingles(worst_pos[1], size), shingles(worst_pos[2], size)):.3f})")
    print(f"closest different stories at k={size}: {worst_neg[0]} (J={jaccard(shingles(worst_neg[1], size), shingles(worst_neg[2], size)):.3f})")


# -- 2. scaling -------------------------------------------------------------------------
class Corpus:
    """Synthetic articles with a news archive's word statistics: Zipf-distributed words from a
    20,000-word vocabulary (the realistic texts' words first), so that unrelated articles share
    common words and phrases but rarely whole passages; one in ten is a template front-line report."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        words = list(dict.fromkeys(w for t in realistic_texts().values() for w in t.split()))
        self.vocab = words + [f"{rng.choice('bcdfghklmnprstvz')}{rng.choice('aeiou')}{i}" for i in range(20_000 - len(words))]
        self.weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.vocab))))

    def story(self) -> str:
        if self.rng.random() < 0.1:
            return template_report(self.rng)
        paras = []
        for _ in range(self.rng.randint(4, 10)):
            sentences = [" ".join(self.rng.choices(self.vocab, cum_weights=self.weights, k=self.rng.randint(8, 25))).capitalize() + "."
                         for _ in range(self.rng.randint(2, 4))]
            paras.append(" ".join(sentences))
        return "\n\n".join(paras)


def article(key: int, text: str, site: str = "synthetic") -> ParsedArticle:
    url = f"https://{site}.example/news/{key}"
    return ParsedArticle(url=url, canonical_url=url, key=str(key), title=f"Story {key}", text=text)


def stamp(i: int) -> str:
    return "2016-01-01T00:00:00+00:00".replace("00:00:00", f"{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}").replace(
        "01T", f"{1 + i // 86400:02d}T") if i < 86400 * 28 else "2016-02-28T00:00:00+00:00"


class TimedStore:
    """A store whose dedup step is timed per save: the text's sketch (worked out here and handed
    to save_article, as the crawl's fetch threads do) and the clustering inside the save, from
    the store's Clusterer's own running totals, with the exact checks it makes."""

    def __init__(self, path: Path):
        self.store = Store(path)

    def probe(self, key: int, text: str, moment: str) -> tuple[float, float, bool, int]:
        """(dedup seconds, whole save seconds, joined a cluster, exact checks) for one new article."""
        stats = self.store.clusters.stats
        spent, checks = stats.seconds, stats.checks
        start = time.perf_counter()
        sketched = prepare(text, self.store.dedup_params())
        sketching = time.perf_counter() - start
        saved = self.store.save_article("probe", article(key, text, "probe"), None, moment, None, prepared=sketched)
        dedup = sketching + stats.seconds - spent
        return dedup, time.perf_counter() - start, saved.duplicate_of is not None, stats.checks - checks


@dataclass
class Probes:
    """Per-probe figures of one archive size: (dedup seconds, whole save seconds) for the grown
    archive and for the 1k baseline, copies found and exact checks made."""

    times: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: {"grown": [], "base": []})
    found: Counter = field(default_factory=Counter)
    checks: Counter = field(default_factory=Counter)

    def stat(self, which: str) -> tuple[float, float, float]:
        """(mean dedup, median dedup, mean save) in seconds."""
        t = self.times[which]
        return statistics.mean(d for d, _ in t), statistics.median(d for d, _ in t), statistics.mean(s for _, s in t)


def probe_both(grown: TimedStore, baseline: TimedStore, corpus: Corpus, originals: list[str], rng: random.Random,
               probes: int, first_key: int, moment: str) -> Probes:
    """Probes alternate between the grown archive and the baseline; every other pair is a
    syndicated copy of one of `originals` (stories both archives hold)."""
    result = Probes()
    for i in range(probes * 2):
        which, target = ("grown", grown) if i % 2 == 0 else ("base", baseline)
        copy = (i // 2) % 2 == 1
        text = syndicate(rng.choice(originals), rng) if copy else corpus.story()
        dedup, save, joined, checked = target.probe(first_key + i, text, moment)
        result.checks[which] += checked
        result.times[which].append((dedup, save))
        result.found[which] += copy and joined
    return result


def report_size(size: int, base_size: int, probes: int, result: Probes, bucket: float) -> tuple[float, float, float]:
    """Print one size's line; the grown/baseline ratios (dedup mean, dedup median, save mean)."""
    grown, base = result.stat("grown"), result.stat("base")
    ratios = (grown[0] / base[0], grown[1] / base[1], grown[2] / base[2])
    (gm, gmed, gs), (bm, bmed, bs) = ([v * 1000 for v in stat] for stat in (grown, base))
    print(f"{size:>8} articles: dedup {gm:5.2f} ms/article (median {gmed:4.2f}), whole save {gs:5.2f} ms; "
          f"{base_size} baseline meanwhile: dedup {bm:5.2f} (median {bmed:4.2f}), save {bs:5.2f}; "
          f"ratio dedup {ratios[0]:.2f} (median {ratios[1]:.2f}), save {ratios[2]:.2f}")
    print(f"{'':>18}copies found {result.found['grown']}/{probes // 2}, exact checks {result.checks['grown'] / probes:.2f}/article "
          f"(baseline {result.checks['base'] / probes:.2f}), mean LSH bucket {bucket:.3f}")
    return ratios


def scaling(sizes: list[int], rng: random.Random, probes: int = 600) -> None:
    """Probes into the grown archive alternate with probes into a fresh copy of the first-size
    archive, so the baseline is measured in the same seconds, under the same load."""
    print(f"\n== 2. scaling: per-article cost of dedup (clustering step) and of the whole save, {probes} probes per size")
    print("   probes: half new stories, half syndicated copies of archived ones, into the archive grown through")
    print(f"   Store.save_article, each alternating with a like probe into a fresh copy of the {sizes[0]} archive (baseline)")
    corpus = Corpus(rng)
    ratios = {}
    with tempfile.TemporaryDirectory() as tmp:
        grown = TimedStore(Path(tmp) / "bench.db")
        archived: list[str] = []  # the first stories' texts, to copy
        count = 0
        for size in sizes:
            while count < size:
                text = corpus.story()
                grown.store.save_article("synthetic", article(count, text), None, stamp(count), None)
                if len(archived) < 5000:
                    archived.append(text)
                count += 1
            if size == sizes[0]:
                grown.store.checkpoint()
                shutil.copy(Path(tmp) / "bench.db", Path(tmp) / "base.db")
            shutil.copy(Path(tmp) / "base.db", Path(tmp) / "baseline.db")
            baseline = TimedStore(Path(tmp) / "baseline.db")
            # Copies are of the first-size archive's stories, which both archives hold.
            result = probe_both(grown, baseline, corpus, archived[:sizes[0]], rng, probes, 20_000_000 + size * 10, stamp(size))
            baseline.store.close()
            (Path(tmp) / "baseline.db").unlink()
            ratios[size] = report_size(size, sizes[0], probes, result, grown.store.dedup_index.bucket_mean())
        grown.store.close()
    top = sizes[-1]
    print(f"ratio {top}/{sizes[0]}: dedup {ratios[top][0]:.2f} (median {ratios[top][1]:.2f}), whole save {ratios[top][2]:.2f} "
          f"(target for dedup <= 1.5)")


# -- 3. clustering quality -------------------------------------------------------------------
def quality(rng: random.Random, stories: int = 3000) -> None:
    corpus = Corpus(rng)
    items: list[tuple[int, str]] = []  # (true story, text)
    for story in range(stories):
        # Same-topic reports are the hard negatives: a third of the stories are template reports.
        text = template_report(rng) if story % 3 == 0 else corpus.story()
        items.append((story, text))
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                items.append((story, syndicate(text, rng, drop=rng.randint(0, 1))))
    rng.shuffle(items)
    # The decisions alone, on the in-memory index: the clusters the store builds are the same
    # (tests/test_dedup_index.py), without the SQL around them.
    params = Params.from_config(DedupConfig())
    index = MemoryIndex(params)
    clusters = Clusterer(index)
    truth: dict[int, int] = {}
    for i, (story, text) in enumerate(items):
        index.add_article(i + 1, stamp(i), text_hash(text))
        clusters.place(i + 1, prepare(text, params))
        truth[i + 1] = story
    predicted = {article_id: root or article_id for article_id, (root, _, _) in index.clusters().items()}

    def pairs(labels: dict[int, int]) -> Counter:
        return Counter(labels.values())

    same_true = sum(n * (n - 1) // 2 for n in pairs(truth).values())
    same_pred = sum(n * (n - 1) // 2 for n in pairs(predicted).values())
    both = sum(n * (n - 1) // 2 for n in Counter((truth[a], predicted[a]) for a in truth).values())
    precision = both / same_pred if same_pred else 1.0
    recall = both / same_true if same_true else 1.0
    print(f"\n== 3. quality: {len(items)} articles of {stories} stories (a third template reports), "
          f"{same_true} true copy pairs")
    print(f"pairwise precision {precision:.4f} (target >= 0.99), recall {recall:.4f} (target >= 0.95)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k only")
    parser.add_argument("--sizes", type=lambda v: [int(n) for n in v.split(",")],
                        help="archive sizes to scale through, comma-separated (e.g. 200,1000); overrides --quick")
    parser.add_argument("--probes", type=int, default=600, help="probes per size (default 600)")
    parser.add_argument("--stories", type=int, default=3000, help="stories in the quality set (default 3000)")
    parser.add_argument("--seed", type=int, default=20160605)
    args = parser.parse_args()
    print(f"defaults: {DedupConfig()}")
    threshold_table(random.Random(args.seed))
    quality(random.Random(args.seed), args.stories)
    sizes = args.sizes or ([1000, 10_000] if args.quick else [1000, 10_000, 100_000])
    scaling(sizes, random.Random(args.seed), args.probes)
