"""The weekly digest: last week's figures, by each subscriber's own contact methods."""
