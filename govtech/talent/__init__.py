"""Digital-talent sharing: professionals' skill profiles, municipal roles, explained suggestions, introductions."""
