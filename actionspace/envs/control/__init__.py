"""Control tasks of our own, registered with gymnasium under the ``actionspace/`` namespace on import.

- ``actionspace/MultiGoal-v0``: a 2-D point with four equally good goals (a Gaussian policy picks one).
- ``actionspace/SparseReacher-v0``: MuJoCo Reacher with a success-only reward.
- ``actionspace/SparseReacherTwoTargets-v0``: the same arm must touch two targets in order.

The sparse tasks stand in for Fetch manipulation: gymnasium-robotics' Fetch envs fail on reset with the
MuJoCo builds this machine gets (a joint-type assertion in its `set_joint_qpos`), see docs/control.md.
"""

from __future__ import annotations

import gymnasium as gym

from actionspace.envs.control.multigoal import MultiGoalEnv
from actionspace.envs.control.sparse_reacher import SparseReacherEnv, reacher_expert_action

_REGISTERED = {
    "actionspace/MultiGoal-v0": ("actionspace.envs.control.multigoal:MultiGoalEnv", 20, {}),
    "actionspace/SparseReacher-v0": ("actionspace.envs.control.sparse_reacher:SparseReacherEnv", 50, {}),
    "actionspace/SparseReacherTwoTargets-v0": (
        "actionspace.envs.control.sparse_reacher:SparseReacherEnv",
        80,
        {"num_targets": 2},
    ),
}

for _id, (_entry, _steps, _kwargs) in _REGISTERED.items():
    if _id not in gym.registry:
        gym.register(id=_id, entry_point=_entry, max_episode_steps=_steps, kwargs=_kwargs)

__all__ = ["MultiGoalEnv", "SparseReacherEnv", "reacher_expert_action"]
