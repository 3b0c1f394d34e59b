"""Mock interview mode: one question under interview conditions, stage by stage, on a clock.

``plan`` holds what an interview is made of (each question's stages live beside its exercise
suite); the session, the progress file, the measurements and the widget build on it.
"""
