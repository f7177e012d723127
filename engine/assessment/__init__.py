"""The assessment's own rules (DOMAIN.md) as plain functions: the example plan, reproducible
sampling, scoring and results. BPMN scripts reach them as named helpers (helpers.py); the
thresholds that grade a score are DMN data in processes/, not here."""
