# Dashboards own no tables: they read snapshots and items (README "Layout").
