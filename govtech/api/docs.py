"""Turns the OpenAPI document into what the /api/docs page lists: operations by tag, parameters, bodies,
responses and schemas (read from the same document clients download, so the page cannot drift)."""
from __future__ import annotations

METHODS = ("get", "post", "put", "patch", "delete")


def ref_name(obj: dict | None) -> str | None:
    """'#/components/schemas/Request' -> 'Request' (also through arrays)."""
    if not obj:
        return None
    if "$ref" in obj:
        return obj["$ref"].rsplit("/", 1)[-1]
    if obj.get("type") == "array":
        inner = ref_name(obj.get("items"))
        return f"{inner}[]" if inner else "array"
    return obj.get("type")


def type_of(prop: dict) -> str:
    """A short type label: integer, string (date), Request, Skill[], one of a|b…"""
    if "$ref" in prop or prop.get("type") == "array":
        return ref_name(prop) or ""
    if "allOf" in prop:
        return " & ".join(filter(None, (ref_name(p) for p in prop["allOf"])))
    label = prop.get("type", "object")
    if prop.get("format"):
        label += f" ({prop['format']})"
    if prop.get("nullable"):
        label += ", null"
    return label


def _responses(op: dict, spec: dict) -> list[dict]:
    out = []
    for status, resp in sorted(op.get("responses", {}).items()):
        if "$ref" in resp:
            resp = spec["components"]["responses"][resp["$ref"].rsplit("/", 1)[-1]]
        content = resp.get("content", {}).get("application/json", {})
        out.append({"status": status, "description": resp.get("description", ""),
                    "schema": ref_name(content.get("schema"))})
    return out


def _parameters(op: dict, spec: dict) -> list[dict]:
    params = []
    for p in op.get("parameters", []):
        if "$ref" in p:
            p = spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]]
        schema = p.get("schema", {})
        params.append({"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": type_of(schema), "enum": schema.get("enum"),
                       "description": p.get("description", "")})
    return params


def operations(spec: dict) -> list[dict]:
    """Every operation, in path order, with what the page shows."""
    ops = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            ops.append({"id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                        "method": method.upper(), "path": path, "tag": (op.get("tags") or ["other"])[0],
                        "summary": op.get("summary", ""), "description": op.get("description", ""),
                        "roles": op.get("x-roles", []), "parameters": _parameters(op, spec),
                        "body": ref_name(body.get("schema")), "responses": _responses(op, spec)})
    return ops


def schemas(spec: dict) -> list[dict]:
    """Every component schema with its properties."""
    out = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        props = [{"name": prop_name, "type": type_of(prop), "required": prop_name in required,
                  "enum": prop.get("enum"), "description": prop.get("description", "")}
                 for prop_name, prop in schema.get("properties", {}).items()]
        out.append({"name": name, "description": schema.get("description", ""), "properties": props})
    return out


def view(spec: dict) -> dict:
    """Template context of the docs page."""
    ops = operations(spec)
    tags = [{"name": t["name"], "description": t.get("description", ""),
             "operations": [o for o in ops if o["tag"] == t["name"]]} for t in spec.get("tags", [])]
    return {"info": spec.get("info", {}), "tags": [t for t in tags if t["operations"]], "schemas": schemas(spec),
            "count": len(ops), "security": spec.get("components", {}).get("securitySchemes", {})}
