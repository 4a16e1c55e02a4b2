"""`wfikb serve`: the decision service for case-management tools (docs/service.md).

Modules, one job each:
- `app`: the FastAPI application: configuration, the policy loaded once per worker, request bodies read
  under a size limit, every error as one line (the CLI's own messages) with its HTTP status;
- `routes`: the endpoints (decisions, the policy's rules, parameters and vocabulary, health, replay);
- `decisions`: a decision's body (the contract's result plus `policy`, `law_date`, `decision_id`,
  `evaluated_at`, `needed`), the decision log and replay;
- `schema`: the request's JSON Schema and examples, read off `wfikb.vocabulary`.

FastAPI and uvicorn are an optional extra (`pip install 'wfikb[serve]'`); nothing else imports this package.
"""
