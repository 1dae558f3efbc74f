# Dashboards own no tables: they read snapshots and items (see DESIGN.md).
