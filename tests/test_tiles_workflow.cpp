// Filled in with the tiles workflow (issue 3).
