"""Security advisories: the OSV model and its readers (:mod:`.osv`) and the OSV.dev API client
(:mod:`.osv_api`). Version matching lives in :mod:`planner.versions`."""
