"""marshmallow schemas of the API: what each resource reads and writes (also the OpenAPI components)."""
