"""simphone: the embedded simulated phone (8 apps, 37 task templates, an oracle)."""

from actionspace.envs.gui.simphone.demos import SimPhoneDemos
from actionspace.envs.gui.simphone.env import TEST_TEMPLATES, SimPhoneConfig, SimPhoneEnv
from actionspace.envs.gui.simphone.oracle import Oracle
from actionspace.envs.gui.simphone.tasks import TASKS, Task, sample_task

__all__ = ["TASKS", "TEST_TEMPLATES", "Oracle", "SimPhoneConfig", "SimPhoneDemos", "SimPhoneEnv", "Task", "sample_task"]
