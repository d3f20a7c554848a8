"""Surveys and consultations: the builder, public answering, invitations, analysis and outcomes."""
