// Filled in with quicklook (issue 3).
