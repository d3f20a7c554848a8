"""Local stand-ins for the outside services the app talks to: reusable by any test or benchmark."""
