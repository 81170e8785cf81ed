"""Errors that environments raise and the rollout layer knows how to handle."""


class EnvironmentDied(RuntimeError):
    """The environment's backend (an emulator, a browser) stopped answering.

    The rollout layer catches it, replaces the environment with a fresh one and records the episode as
    truncated, so that one dead emulator costs one episode rather than the whole run.
    """
