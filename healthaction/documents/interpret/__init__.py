"""Interpretation of the document model: what tables and paragraphs mean, the same for every format."""
