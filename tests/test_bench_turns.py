"""The bench's engines take turns (`bench.turns`): each round times every engine, in an order that
turns by one each round; each ratio is taken within a round, and reported as the rounds' median."""

from bench import turns


def _engines(times: dict[str, list[float]], calls: list):
    def engine(name):
        def turn(n, warm):
            calls.append((name, n, warm))
            return times[name][sum(1 for c in calls if c[0] == name) - 1]
        return turn
    return {name: engine(name) for name in times}


def test_every_engine_runs_each_round_in_an_order_that_turns_and_warms_up_only_in_the_first():
    calls = []
    times = {"ours": [1.0, 1.0, 1.0], "spiff": [2.0, 2.0, 2.0], "fair": [3.0, 3.0, 3.0]}
    turns.run(_engines(times, calls), rounds=3, per_round=4)
    assert [c[0] for c in calls] == ["ours", "spiff", "fair", "spiff", "fair", "ours", "fair", "ours", "spiff"]
    assert all(n == 4 for _name, n, _warm in calls)
    assert [warm for _name, _n, warm in calls] == [True] * 3 + [False] * 6


def test_a_ratio_is_taken_within_each_round_and_reported_as_their_median():
    # The host slows down in round 2 for both engines alike: the ratio of that round is unchanged.
    times = {"ours": [1.0, 3.0, 1.2], "viewflow": [0.5, 1.5, 0.4]}
    t = turns.run(_engines(times, []), rounds=3, per_round=2)
    assert t.ratios("ours", "viewflow") == [0.5, 0.5, 0.4 / 1.2]
    assert t.median("ours", "viewflow") == 0.5
    assert t.spread("ours", "viewflow") == (0.4 / 1.2, 0.5)
    assert t.rate("ours") == 6 / 5.2, "its cases over its whole time"
    assert t.said("ours", "viewflow") == "0.50 (median of 3 rounds, 0.33–0.50)"
    assert t.as_json()["seconds"]["viewflow"] == [0.5, 1.5, 0.4]
