"""Similar-proposal search at a province's scale: jieba TF-IDF keywords of one proposal, and
one text compared against a committee's stored keyword vectors (two years of a province's
proposals: 3,000 by default). In-process, no database: the search reads only the stored
vectors, so this is its whole cost apart from fetching them.

    .venv/bin/python benchmarks/similarity_bench.py --proposals 3000 --runs 5
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc_portal.settings.local")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from proposals import similarity
    from proposals.management.proposal_texts import SUBJECTS, paragraphs

    rng = random.Random(7)
    texts = []
    for _ in range(args.proposals):
        subject = rng.choice(SUBJECTS)
        qualifier = rng.choice(subject.qualifiers)
        texts.append(rng.choice(subject.titles).format(q=qualifier) + "\n" + "\n".join(paragraphs(rng, subject, qualifier)))
    similarity.keywords("预热分词词典")  # jieba loads its dictionary once per process
    began = time.perf_counter()
    vectors = [similarity.keywords(text) for text in texts]
    per_text = (time.perf_counter() - began) / len(texts)
    searches = []
    for run in range(args.runs):
        query = similarity.keywords(texts[run * 7])
        began = time.perf_counter()
        sorted((similarity.cosine(query, v) for v in vectors), reverse=True)[:8]
        searches.append(time.perf_counter() - began)
    floor = []
    for _ in range(args.runs):  # the floor: one dict lookup per stored vector
        began = time.perf_counter()
        sum(1 for v in vectors if v)
        floor.append(time.perf_counter() - began)
    search, base = statistics.median(searches), statistics.median(floor)
    print(f"keywords of one proposal: {per_text * 1000:.2f} ms (mean of {len(texts)})")
    print(f"one text against {len(vectors)} stored vectors: median {search * 1000:.1f} ms of {args.runs} runs "
          f"({search / base:.0f}× a bare pass over the vectors, {base * 1000:.2f} ms)")


if __name__ == "__main__":
    main()
