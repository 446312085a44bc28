"""Ready-to-apply fix patches: from a plan's edit steps to unified diffs (``depwave fix``).

Layers, in the order data flows:

* :mod:`planner.fix.model` — the records: a :class:`~planner.fix.model.Change` to make in one file,
  the :class:`~planner.fix.model.Edit` that makes it, and the error a change that cannot be made raises;
* :mod:`planner.fix.text` and :mod:`planner.fix.diff` — splicing a text and diffing it so that
  ``git apply`` and ``patch -p1`` take the result;
* one editor module per file format (``maven``, ``gradle``, ``catalog``, ``npm``, ``requirements``,
  ``pyproject``, ``cargo``, ``gomod``), listed in :mod:`planner.fix.editors`: pure functions
  ``(text, Change) -> Edit`` that find the declaration and replace only its version token, the way
  Dependabot's file updaters do, so that formatting, comments, line endings and tabs survive;
* :mod:`planner.fix.steps` — a plan's steps to changes, commands and what waits for a person;
* :mod:`planner.fix.run` — reading the ingested files (checked against their ``sha256``), making
  the patches, writing them (temp file + rename) or applying them to checkouts.
"""
