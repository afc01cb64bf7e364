"""The rubric's checks, one module per topic; each check is a function ``(HypothesisInput, Context) -> list[Finding]``.

``coach.rubric.critique`` runs them in order and sorts the findings by severity.
"""
