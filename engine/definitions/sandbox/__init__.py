"""The script sandbox: what a script of uploaded BPMN may say (`policy.py`), the guards it runs
under (`guards.py`, with the cost limits of `limits.py`) and what runs it before a deadline
(`scripts.py`). It imports nothing else of the definitions, so the
deploy checks above it and the runtime alike use the one sandbox."""
