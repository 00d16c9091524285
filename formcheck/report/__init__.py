"""Reports: the JSON report (the stable schema), HTML and CSV."""
