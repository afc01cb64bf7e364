"""The experiment builder's pure logic: the wizard's draft, its rules, the hypothesis, the power plan and the hash.

Nothing here imports Reflex: the builder's state (``components/builder_state.py``) calls these functions, and the
unit tests call them directly.
"""
