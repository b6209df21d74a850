"""Wire endpoints: what monitoring tools post to, in their own formats."""
