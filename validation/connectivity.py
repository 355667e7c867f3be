"""Random connectivity drawn in numpy, for the references.

Brian2 has no fixed in-degree rule, and NEST cannot hand back the out-degree of each neuron of
a large network in reasonable time (reading 12.5 million connections back through PyNEST takes
far longer than simulating them), so NEST's connections of the random rules are drawn here and
passed to nest.Connect as arrays. The rules are SpikeLab's: no autapses unless allowed, no
multapses.
"""

import numpy as np


def fixed_indegree(rng, n_pre, n_post, indegree, no_autapses):
    """Each post neuron gets `indegree` distinct pre neurons, drawn uniformly (not itself)."""
    i = np.empty(n_post * indegree, dtype=np.int64)
    pool = n_pre - 1 if no_autapses else n_pre
    for j in range(n_post):
        pick = rng.choice(pool, indegree, replace=False)
        if no_autapses:
            pick[pick >= j] += 1
        i[j * indegree:(j + 1) * indegree] = pick
    return i, np.repeat(np.arange(n_post, dtype=np.int64), indegree)


def fixed_probability(rng, n_pre, n_post, p, no_autapses):
    """Each pair (pre, post) independently with probability p (not i -> i)."""
    pre, post = [], []
    for i in range(n_pre):
        mask = rng.random(n_post) < p
        if no_autapses:
            mask[i] = False
        j = np.flatnonzero(mask)
        pre.append(np.full(len(j), i, dtype=np.int64))
        post.append(j)
    return np.concatenate(pre), np.concatenate(post).astype(np.int64)
