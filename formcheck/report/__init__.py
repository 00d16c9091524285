"""Everything made from a report: the typed report and its JSON (``model``), the report,
index and history pages (``html``, ``index_page``, ``history_page``, sharing ``pages``
and ``words``), and the CSV (``csv_export``)."""
