"""Changes to the finished HTML of every page: the Content-Security-Policy and Material fixes."""
