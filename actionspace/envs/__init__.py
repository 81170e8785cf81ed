"""Environments. Importing a sub-package registers its envs."""
