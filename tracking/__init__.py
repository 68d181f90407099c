"""The resident's tracking link over the API: no account, one case (``cases.tracking``)."""
