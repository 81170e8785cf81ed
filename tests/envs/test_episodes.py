"""The shared episode loop: slots with no episode left idle, costing neither a policy call nor an env step."""

from __future__ import annotations

from actionspace.envs.episodes import run_episodes
from actionspace.envs.language import TwentyQuestionsGame


class CountingAsker:
    """Asks the same question each turn and counts what it is handed."""

    def __init__(self) -> None:
        self.active_observations = 0
        self.idle_slots = 0

    def begin_episode(self, slot, env):
        pass

    def act(self, observations):
        self.active_observations += sum(o is not None for o in observations)
        self.idle_slots += sum(o is None for o in observations)
        return [None if o is None else "Is it alive?" for o in observations]


class CountingGame(TwentyQuestionsGame):
    steps = 0

    def step(self, action):
        assert isinstance(action, str), f"a game was stepped with {action!r}"
        CountingGame.steps += 1
        return super().step(action)


def test_idle_slots_are_neither_acted_on_nor_stepped():
    # Three 20-turn games on two slots: the third runs alone, with the other slot idle for all its turns.
    CountingGame.steps = 0
    asker = CountingAsker()
    episodes = run_episodes(lambda _: CountingGame(), asker, [("twenty_questions", s) for s in range(3)], num_envs=2)
    assert [e.steps for e in episodes] == [20, 20, 20]
    assert asker.active_observations == CountingGame.steps == 60
    assert asker.idle_slots == 20
