"""People readiness pages (read only): a cloud's coverage and roster, and renewals across clouds."""
