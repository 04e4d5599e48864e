"""nDCG@10 as `edusearch_search::eval::ndcg_at` computes it; shared by the engine comparisons."""

import math


def dcg(grades, k):
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades[:k]))


def ndcg(ranked_grades, judged_grades, k=10):
    """nDCG@k as `edusearch_search::eval::ndcg_at` computes it (gain 2^g - 1, log2 discount)."""
    ideal = dcg(sorted(judged_grades, reverse=True), k)
    return 0.0 if ideal <= 0 else min(1.0, dcg(ranked_grades, k) / ideal)
