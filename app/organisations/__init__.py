"""GP practices, Primary Care Networks and places."""
