"""The local register: models, migrations, lifecycle, logbooks, numbering, calendar, search. No Qt."""
