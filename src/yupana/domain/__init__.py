"""What a document is. Imports nothing else of Yupana."""
