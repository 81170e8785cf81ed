import random

from actionspace.agents.transition import Transition
from actionspace.trainers.sols.replay import SuccessfulTransitionReplay


def episode(task: str, episode_id: str, length: int, success: bool) -> list[Transition]:
    return [
        Transition(
            task_id=task,
            episode_id=episode_id,
            step=i,
            prompt=f"p{i}",
            action_text="{}",
            action={},
            reward=float(success and i == length - 1),
            done=i == length - 1,
            success=success,
            behavior_logprob=-float(i),
        )
        for i in range(length)
    ]


def test_keeps_exactly_the_most_recent_successful_transitions_per_task():
    replay = SuccessfulTransitionReplay(capacity_per_task=50)
    assert replay.add_episode(episode("A", "e0", 30, success=True)) == 30
    assert replay.add_episode(episode("A", "e1", 30, success=False)) == 0  # failures never enter
    replay.add_episode(episode("A", "e2", 30, success=True))
    replay.add_episode(episode("B", "e3", 5, success=True))
    kept = replay.task("A")
    # 60 successful transitions of A arrived; the 50 most recent are e0 steps 10-29 then all of e2, in order
    assert [(t.episode_id, t.step) for t in kept] == [("e0", i) for i in range(10, 30)] + [("e2", i) for i in range(30)]
    assert len(replay.task("B")) == 5 and len(replay) == 55


def test_sampling_and_checkpoint_round_trip():
    replay = SuccessfulTransitionReplay(capacity_per_task=3)
    assert replay.sample(4, random.Random(0)) == []
    replay.add_episode(episode("A", "e0", 5, success=True))
    samples = replay.sample(10, random.Random(0))
    assert len(samples) == 10 and {t.step for t in samples} <= {2, 3, 4}
    restored = SuccessfulTransitionReplay()
    restored.load_state_dict(replay.state_dict())
    assert restored.task("A") == replay.task("A") and restored.capacity_per_task == 3
    restored.add_episode(episode("A", "e1", 1, success=True))
    assert [t.episode_id for t in restored.task("A")] == ["e0", "e0", "e1"]  # the capacity survived the reload


def test_per_task_sampling_replays_a_rarely_solved_task_as_often_as_an_easy_one():
    replay = SuccessfulTransitionReplay(capacity_per_task=50)
    replay.add_episode(episode("easy", "e0", 45, success=True))
    replay.add_episode(episode("rare", "e1", 5, success=True))
    draws = 4000
    uniform = sum(t.task_id == "rare" for t in replay.sample(draws, random.Random(0)))
    per_task = sum(t.task_id == "rare" for t in replay.sample(draws, random.Random(0), per_task=True))
    # uniform over transitions: 5/50 of draws; a task first: 1/2 (binomial sd about 19 and 32 draws)
    assert abs(uniform - draws * 0.1) < 100
    assert abs(per_task - draws * 0.5) < 130
