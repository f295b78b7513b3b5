class DocumentError(Exception):
    """The input cannot be read as a plan document; the message says why, for the user."""
