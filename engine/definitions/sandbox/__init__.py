"""The script sandbox: what runs the scripts and expressions of uploaded BPMN (`scripts.py`)
and the guards they run under (`guards.py`). It imports nothing else of the definitions, so the
deploy checks above it and the runtime alike use the one sandbox."""
