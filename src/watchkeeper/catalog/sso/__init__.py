"""Single sign-on: who an identity provider says someone is, as a Watchkeeper user."""
